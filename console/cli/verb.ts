import { parseArgs } from 'node:util';
import { DATABASE_FLAG, databaseOptions } from './database-flag';

/**
 * Runs one verb against a built console. An error of the service's own refusal class (a duplicate
 * name, an unknown account) is printed as it is and exits 1; anything else is a bug and is thrown.
 */
export async function runVerb(
  app: { close(): Promise<unknown> },
  refusal: abstract new (...args: never[]) => Error,
  verb: () => Promise<number>,
): Promise<number> {
  try {
    return await verb();
  } catch (err) {
    if (err instanceof refusal) {
      console.error(err.message);
      return 1;
    }
    throw err;
  } finally {
    await app.close();
  }
}

type StringFlags = Record<string, { type: 'string' }>;

/** What a data-folder command was given: its verb, flags, positionals and database options. */
export interface DataCommand<F extends StringFlags> {
  verb: string | undefined;
  values: { data: string; database?: string } & { [K in keyof F]?: string };
  positionals: string[];
  database: { databaseUrl?: string };
}

/**
 * Parses `<verb> [positionals] --data <dir> [--database <url>] [--flag <value>…]` for a command
 * against a data folder. On a bad flag prints why (`explain` may say it better) and the usage, and
 * answers undefined: the command exits 2.
 */
export function parseDataCommand<F extends StringFlags>(
  args: string[],
  flags: F,
  usage: string,
  explain: (err: unknown, rest: string[]) => string = (err) => (err instanceof Error ? err.message : String(err)),
): DataCommand<F> | undefined {
  const [verb, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: { data: { type: 'string', default: './data' }, ...DATABASE_FLAG, ...flags },
    });
  } catch (err) {
    console.error(`${explain(err, rest)}\n${usage}`);
    return undefined;
  }
  const database = databaseOptions(parsed.values as { database?: string });
  if (!database) return undefined;
  // Every flag is a string flag (F), so the values are strings: parseArgs' own type cannot say so for a generic F.
  return { verb, values: parsed.values as unknown as DataCommand<F>['values'], positionals: parsed.positionals, database };
}
