// @vitest-environment node
/**
 * Migration 0013 on a database of the release before it (0012), with events: every event's
 * response outcome is filled from its stored JSON (over several fill ranges of seq), so an
 * outcome search finds the same events after the upgrade, and text in a file name or a
 * justification that spells an outcome never counts as one. Events ingested afterwards have it too.
 */
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openConsoleDb, openPostgresPool, openSqlite, type ConsoleDb } from '../../../console/db/database';
import { FILL_CHUNK } from '../../../console/db/migrations/0013-event-outcome-and-trusted-indexes';
import { ensureMonthPartitions } from '../../../console/db/partitions';
import type { ConsoleDatabase } from '../../../console/db/schema';
import { EventFilters, searchEvents } from '../../../console/events/search';
import { EventStore, toRow } from '../../../console/events/store';
import type { FileEvent } from '../../../src/core/schema/event';
import type { EventResponse } from '../../../src/core/schema/response';
import { sampleEvent, sampleId } from '../support/sample-event';
import { removeTestData, testDatabaseUrl, testEngine } from '../support/test-console';

const FAKE = '"outcome":"blocked"';
const dirs: string[] = [];
const opened: ConsoleDb[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) await removeTestData(d);
});

/** A database as release 0012 left it, written by its code (no outcome column); `migrated`: one a newer node migrated since. */
async function previousRelease(dir: string, migrated = false): Promise<Kysely<ConsoleDatabase>> {
  const url = await testDatabaseUrl(dir);
  const db = new Kysely<ConsoleDatabase>({
    dialect: url ? new PostgresDialect({ pool: openPostgresPool(url) }) : new SqliteDialect({ database: openSqlite(dir) }),
  });
  if (!migrated) await migrate(db, testEngine(), '0012-browser-health-last-seen');
  return db;
}

const respond = (outcome: EventResponse['outcome'], justification?: string): EventResponse => ({
  action: outcome === 'blocked' ? 'block' : 'warn',
  outcome,
  ...(justification && { justification }),
  decidedInMs: 4,
});

describe('migration 0013: the response outcome as a column', () => {
  it('fills the outcome of every stored event from its JSON, and outcome searches answer as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-0013-'));
    dirs.push(dir);
    const old = await previousRelease(dir);
    const receivedAt = Date.now();
    if (testEngine() === 'postgres') await ensureMonthPartitions(old as Kysely<unknown>, receivedAt, receivedAt);

    const stored: { seq: number; event: FileEvent; outcome: string | null }[] = [];
    const add = async (seq: number, file: string, response?: EventResponse) => {
      const event = await sampleEvent({ id: sampleId(seq), observedAt: new Date(receivedAt - 1000 * (10 - stored.length)).toISOString() });
      event.file.name = file;
      if (response) event.response = response;
      stored.push({ seq, event, outcome: response?.outcome ?? null });
    };
    // Spread over four fill ranges, with gaps (retention deleted rows) between them.
    await add(1, 'blocked-1.pdf', respond('blocked'));
    await add(2, 'plain.pdf');
    await add(3, `${FAKE}.pdf`);
    await add(FILL_CHUNK - 1, 'warned.pdf', respond('warned'));
    await add(FILL_CHUNK, 'bypassed.pdf', respond('bypassed', `boss said ${FAKE}`));
    await add(2 * FILL_CHUNK + 7, 'allowed.pdf', respond('allowed'));
    await add(3 * FILL_CHUNK + 1, 'blocked-2.pdf', respond('blocked'));
    for (const s of stored) {
      const { response_outcome: _none, ...row } = toRow(s.event, { credentialId: 'c1', clientIp: '10.0.0.1', receivedAt });
      await old
        .insertInto('events')
        .values({ ...row, seq: s.seq } as never)
        .execute();
    }
    // The explicit seqs above stand for ones the sequence gave out (PostgreSQL: migration 0009).
    if (testEngine() === 'postgres') await sql`select setval('events_seq_counter', (select max(seq) from events))`.execute(old);
    await old.destroy();

    const upgraded = await openConsoleDb({ dataDir: dir });
    opened.push(upgraded);
    const { db } = upgraded;
    const filled = await db.selectFrom('events').select(['seq', 'response_outcome']).orderBy('seq').execute();
    expect(filled.map((r) => ({ seq: Number(r.seq), outcome: r.response_outcome }))).toEqual(stored.map((s) => ({ seq: s.seq, outcome: s.outcome })));

    const ids = async (outcome: string) =>
      (await searchEvents(db, EventFilters.parse({ outcome }), 50)).rows.map((r) => (JSON.parse(r.body) as FileEvent).file.name);
    // Newest first; the file name and the justification that spell "blocked" are not blocked.
    expect(await ids('blocked')).toEqual(['blocked-2.pdf', 'blocked-1.pdf']);
    expect(await ids('warned,bypassed')).toEqual(['bypassed.pdf', 'warned.pdf']);
    expect(await ids('allowed')).toEqual(['allowed.pdf']);
    expect(await ids('notified')).toEqual([]);

    // Ingest after the upgrade writes the column; a name spelling an outcome still is none.
    const store = new EventStore(db);
    const fresh = await sampleEvent({ id: sampleId(9_000_001), observedAt: new Date(receivedAt).toISOString() });
    fresh.response = respond('blocked');
    const faker = await sampleEvent({ id: sampleId(9_000_002), observedAt: new Date(receivedAt).toISOString() });
    faker.file.name = `${FAKE}.txt`;
    faker.response = respond('warned', FAKE);
    await store.ingest([fresh, faker], { credentialId: 'c1', clientIp: '10.0.0.2', receivedAt });
    expect(await ids('blocked')).toEqual(['main.py', 'blocked-2.pdf', 'blocked-1.pdf']);
    expect(await ids('warned')).toEqual([`${FAKE}.txt`, 'warned.pdf']);

    if (testEngine() === 'postgres') {
      // A node of the release before, still running during a rolling upgrade, stores events without the column.
      const oldNode = await previousRelease(dir, true);
      const late = await sampleEvent({ id: sampleId(9_000_003), observedAt: new Date(receivedAt + 1).toISOString() });
      late.file.name = 'late.pdf';
      late.response = respond('blocked');
      const { response_outcome: _none, ...row } = toRow(late, { credentialId: 'c1', clientIp: '10.0.0.3', receivedAt });
      await oldNode.insertInto('events').values(row).execute();
      await oldNode.destroy();
      expect(await ids('blocked')).toEqual(['late.pdf', 'main.py', 'blocked-2.pdf', 'blocked-1.pdf']);
      // The migration is still recorded as applied: opening again runs nothing.
      opened.push(await openConsoleDb({ dataDir: dir }));
    }
  });
});
