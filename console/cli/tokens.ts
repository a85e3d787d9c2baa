/**
 * `token create|list|revoke` against a data folder. The new secret is printed alone on the last
 * line (so scripts can take `tail -n 1`); it is never accepted as an argument.
 */
import { recordAudit } from '../audit';
import { CredentialError } from '../auth/credentials';
import { Role } from '../auth/roles';
import { buildConsole } from '../server';
import { parseDataCommand, runVerb } from './verb';

const USAGE = `usage:
  token create --data <dir> --role <ingest|read_only|analyst|admin> --name <name>
  token list --data <dir>
  token revoke <name> --data <dir>`;

export async function runTokenCommand(args: string[]): Promise<number> {
  const command = parseDataCommand(args, { role: { type: 'string' }, name: { type: 'string' } }, USAGE);
  if (!command) return 2;
  const { verb, values, positionals, database } = command;
  const { app, services } = await buildConsole({ dataDir: values.data, ...database });
  return runVerb(app, CredentialError, async () => {
    switch (verb) {
      case 'create': {
        const role = Role.safeParse(values.role);
        if (!role.success || !values.name) {
          console.error(USAGE);
          return 2;
        }
        const { info, secret } = await services.credentials.create({ name: values.name, role: role.data, createdBy: 'cli' });
        await recordAudit(services.db, { actor: 'system', action: 'credential.created', target: `credential:${info.name}`, after: { ...info, via: 'cli' } });
        console.log(`Created ${info.role} credential "${info.name}". The secret is shown this once:`);
        console.log(secret);
        return 0;
      }
      case 'list': {
        for (const c of await services.credentials.list()) {
          console.log(
            [
              c.name,
              c.role,
              c.prefix,
              `created ${c.createdAt}`,
              `last used ${c.lastUsedAt ?? 'never'}`,
              c.revokedAt ? `revoked ${c.revokedAt}` : 'active',
            ].join('\t'),
          );
        }
        return 0;
      }
      case 'revoke': {
        const name = positionals[0];
        if (!name) {
          console.error(USAGE);
          return 2;
        }
        const result = await services.credentials.revoke(name);
        if (!result) {
          console.error(`no credential named ${name}`);
          return 1;
        }
        await recordAudit(services.db, {
          actor: 'system',
          action: 'credential.revoked',
          target: `credential:${name}`,
          before: result.before,
          after: { ...result.after, via: 'cli' },
        });
        console.log(`Revoked "${name}".`);
        return 0;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  });
}
