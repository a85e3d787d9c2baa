/**
 * `user create|list|disable|enable|password` against a data folder: the accounts people sign in to
 * the console with. A password is read from standard input (one line), never from the command line:
 * argv is visible to every user of the machine in `ps`.
 */
import { createInterface } from 'node:readline';
import { AccountEmail, AccountError, accountInfo, AccountName, AccountRole, type AccountInfo } from '../auth/accounts';
import { MIN_PASSWORD_LENGTH, Password } from '../auth/passwords';
import { buildConsole } from '../server';
import { parseDataCommand, runVerb } from './verb';

const USAGE = `usage (the password is read from standard input, one line):
  user create --data <dir> --email <email> --role <read_only|analyst|admin> [--name <name>]
  user list --data <dir>
  user disable <email> --data <dir>
  user enable <email> --data <dir>
  user password <email> --data <dir>`;

/** The first line of standard input; with a terminal, a prompt first (the typing is shown). */
async function readPassword(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

function describe(a: AccountInfo): string {
  return [
    a.email,
    a.role,
    a.kind,
    a.name ?? '-',
    `created ${a.createdAt}`,
    `last sign-in ${a.lastSignInAt ?? 'never'}`,
    a.disabled ? `disabled ${a.disabledAt}` : 'active',
  ].join('\t');
}

export async function runUserCommand(args: string[]): Promise<number> {
  const command = parseDataCommand(args, { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } }, USAGE, (err, rest) =>
    rest.some((a) => a.startsWith('--password'))
      ? 'a password never goes on the command line (ps shows it): pipe it to standard input'
      : err instanceof Error
        ? err.message
        : String(err),
  );
  if (!command) return 2;
  const { verb, values, positionals, database } = command;
  const emailArg = verb === 'create' ? values.email : positionals[0];
  const parsedEmail = emailArg === undefined ? undefined : AccountEmail.safeParse(emailArg);
  const email = parsedEmail?.success ? parsedEmail.data : '';
  if (verb !== 'list' && !parsedEmail?.success) {
    console.error(`${emailArg === undefined ? 'an email address is needed' : `not an email address: ${emailArg}`}\n${USAGE}`);
    return 2;
  }
  const role = AccountRole.safeParse(values.role);
  const name = values.name === undefined ? undefined : AccountName.safeParse(values.name);
  if (verb === 'create' && (!role.success || name?.success === false)) {
    console.error(USAGE);
    return 2;
  }
  let password: string | undefined;
  if (verb === 'create' || verb === 'password') {
    const read = Password.safeParse(await readPassword(`Password for ${email} (at least ${MIN_PASSWORD_LENGTH} characters): `));
    if (!read.success) {
      console.error(`${read.error.issues[0]?.message ?? 'invalid password'} (read from standard input)`);
      return 2;
    }
    password = read.data;
  }

  const { app, services } = await buildConsole({ dataDir: values.data, ...database });
  const accounts = services.auth.accounts;
  return runVerb(app, AccountError, async () => {
    switch (verb) {
      case 'create': {
        const info = await accounts.createLocal({ email: email, role: role.data!, name: name?.data ?? null, password: password! }, 'system', 'cli');
        console.log(`Created ${info.role} account ${info.email}.`);
        return 0;
      }
      case 'list': {
        for (const row of await accounts.list({ limit: 100_000 })) console.log(describe(accountInfo(row)));
        return 0;
      }
      case 'disable':
      case 'enable': {
        const info = await accounts.update(email, { disabled: verb === 'disable' }, 'system', 'cli');
        console.log(`${info.email} is ${info.disabled ? 'disabled; its sessions have ended' : 'enabled'}.`);
        return 0;
      }
      case 'password': {
        await accounts.update(email, { password: password! }, 'system', 'cli');
        console.log(`Set a new password for ${email}; its sessions have ended.`);
        return 0;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  });
}
