/**
 * The console's command line.
 *
 *   npm run console -- [--port 8787] [--host 127.0.0.1] [--data ./data] [--trust-proxy 10.0.0.5,10.0.1.0/24]
 *   npm run console -- --database postgres://upwatch@db.internal/upwatch?sslmode=verify-full   (or UPWATCH_DATABASE_URL)
 *   npm run console -- token create --data <dir> --role <role> --name <name>
 *   npm run console -- token list --data <dir>
 *   npm run console -- token revoke <name> --data <dir>
 *   npm run console -- user create --data <dir> --email <email> --role <role>   (password on stdin)
 *   npm run console -- user list|disable|enable|password … --data <dir>
 *   sign-in flags: --secure-cookies, --session-idle-minutes, --session-max-hours, --oidc-* (cli/sign-in-flags.ts)
 *
 * No secret is ever taken on the command line (argv is visible to every user in `ps`). A first
 * start on an empty data folder creates one admin key and prints it once.
 */
import { parseArgs } from 'node:util';
import { runTokenCommand } from './cli/tokens';
import { runUserCommand } from './cli/users';
import { SIGN_IN_FLAGS, SignInFlagError, signInOptionsFrom } from './cli/sign-in-flags';
import { DATABASE_FLAG, DatabaseFlagError, databaseUrlFrom, describeDatabase } from './cli/database-flag';
import { buildConsole } from './server';
import { createInitialAdminKey } from './auth/bootstrap';

const argv = process.argv.slice(2);
if (argv[0] === 'token') {
  process.exitCode = await runTokenCommand(argv.slice(1));
} else if (argv[0] === 'user') {
  process.exitCode = await runUserCommand(argv.slice(1));
} else {
  await serve(argv);
}

/** The options, or a clear refusal (exit 2) instead of a stack trace. */
function parseServeArgs(args: string[]) {
  const options = {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: './data' },
    'trust-proxy': { type: 'string' },
    'ingest-rate-limit': { type: 'string' },
    ...SIGN_IN_FLAGS,
    ...DATABASE_FLAG,
  } as const;
  try {
    return parseArgs({ args, options }).values;
  } catch (err) {
    if (args.some((a) => a.startsWith('--oidc-client-secret') && !a.startsWith('--oidc-client-secret-file'))) {
      console.error(
        'no secret goes on a command line (ps shows it): put the OIDC client secret in UPWATCH_OIDC_CLIENT_SECRET or a file named by --oidc-client-secret-file',
      );
    } else if (args.some((a) => a === '--token' || a.startsWith('--token='))) {
      console.error(
        '--token is gone: no secret goes on a command line (ps shows it). Browsers get an ingest token: token create --data <dir> --role ingest --name <name>',
      );
    } else {
      console.error(err instanceof Error ? err.message : String(err));
    }
    process.exit(2);
  }
}

async function serve(args: string[]): Promise<void> {
  const values = parseServeArgs(args);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--port must be a port number, not ${values.port}`);
    process.exit(2);
  }
  const rate = values['ingest-rate-limit'];
  const perMinute = rate === undefined ? undefined : Number(rate);
  if (perMinute !== undefined && !(Number.isInteger(perMinute) && perMinute >= 0)) {
    console.error('--ingest-rate-limit is requests per minute per ingest token (0 turns it off)');
    process.exit(2);
  }
  let signIn;
  let databaseUrl;
  try {
    signIn = signInOptionsFrom(values);
    databaseUrl = databaseUrlFrom(values);
  } catch (err) {
    if (!(err instanceof SignInFlagError || err instanceof DatabaseFlagError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
  const { app, services } = await buildConsole({
    dataDir: values.data,
    ...(databaseUrl && { databaseUrl }),
    // Connections per node (default 10): the nodes' pools together must fit max_connections.
    ...(Number(process.env.UPWATCH_DATABASE_POOL_SIZE) > 0 && { databasePoolSize: Number(process.env.UPWATCH_DATABASE_POOL_SIZE) }),
    signIn,
    logger: process.env.UPWATCH_CONSOLE_LOG === '1',
    trustProxy: values['trust-proxy']
      ? values['trust-proxy']
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : false,
    ...(perMinute !== undefined && { ingestRateLimit: perMinute === 0 ? false : { max: perMinute, timeWindowMs: 60_000 } }),
  });
  const initial = await createInitialAdminKey(services);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void app.close().then(() => process.exit(0)));
  }
  const address = await app.listen({ port, host: values.host });
  // One write: whoever sees the address (a person, a script waiting for it) also has the key,
  // which is never shown again (a signal between two writes lost it).
  const lines = [`Upwatch console listening on ${address} (${describeDatabase(databaseUrl, values.data)})`];
  if (initial) lines.push('First start: created the admin API key "initial-admin". It is shown this once; store it now:', initial);
  console.log(lines.join('\n'));
}
