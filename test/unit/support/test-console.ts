/**
 * A console in this process (no port) on a throw-away data folder, with one credential of each
 * role, for `app.inject` tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../../console/auth/roles';
import { buildConsole, type BuiltConsole, type ConsoleOptions } from '../../../console/server';

export interface TestConsole extends BuiltConsole {
  dir: string;
  /** A secret per role. */
  keys: Record<Role, string>;
  /** `authorization` header for a role. */
  as(role: Role): { authorization: string };
  close(): Promise<void>;
}

export async function makeTestConsole(options: Partial<ConsoleOptions> = {}): Promise<TestConsole> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'upwatch-console-'));
  const built = await buildConsole({ ...options, dataDir: dir });
  const keys = {} as Record<Role, string>;
  for (const role of ['ingest', 'read_only', 'analyst', 'admin'] as const) {
    keys[role] = (await built.services.credentials.create({ name: `test-${role}`, role, createdBy: 'test' })).secret;
  }
  return {
    ...built,
    dir,
    keys,
    as: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await built.app.close();
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
