// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsoleDb, type ConsoleDb } from '../../../console/db/database';

describe('console database migrations', () => {
  const dirs: string[] = [];
  const opened: ConsoleDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('lets several connections open a new data folder at once (server and CLI starting together)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-migrate-'));
    dirs.push(dir);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => openConsoleDb({ dataDir: dir })));
    for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
    const tables = await opened[0]!.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(tables.length).toBeGreaterThanOrEqual(3);
  });

  it('opens an up-to-date folder again without changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-migrate-'));
    dirs.push(dir);
    await (await openConsoleDb({ dataDir: dir })).close();
    opened.push(await openConsoleDb({ dataDir: dir }));
    expect(await opened[0]!.db.selectFrom('credentials').selectAll().execute()).toEqual([]);
  });
});
