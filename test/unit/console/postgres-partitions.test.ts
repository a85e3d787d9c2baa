// @vitest-environment node
/**
 * Events partitioned by receipt month on PostgreSQL (migration 0009): a database of an earlier
 * release keeps its events through the migration, retention drops whole months but never a held
 * person's events, and the exposure sums stay exact.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openPostgresPool } from '../../../console/db/database';
import type { ConsoleDatabase } from '../../../console/db/schema';
import { toRow } from '../../../console/events/store';
import { runRetention } from '../../../console/retention/job';
import { buildConsole, type BuiltConsole } from '../../../console/server';
import { makeTestConsole, removeTestData, testDatabaseUrl, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const DAY = 86_400_000;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const months = async (db: Kysely<ConsoleDatabase>) =>
  (
    await sql<{
      name: string;
    }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'events'::regclass order by 1`.execute(db)
  ).rows.map((r) => r.name);
const ingest = async (node: TestConsole | BuiltConsole, token: string, events: unknown[]) =>
  node.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${token}` }, payload: { events } });

describe.runIf(testEngine() === 'postgres')('events partitioned by month on PostgreSQL', () => {
  it('moves the events of a database at migration 0008 into monthly partitions, unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-pg-0008-'));
    const url = (await testDatabaseUrl(dir))!;
    closers.push(() => removeTestData(dir));
    const old = new Kysely<ConsoleDatabase>({ dialect: new PostgresDialect({ pool: openPostgresPool(url) }) });
    await migrate(old, 'postgres', '0008-postgres-file-name-trigrams');
    // Three months of events as the release before stored them, two of Ann's in one of them.
    const received = [Date.parse('2026-08-20T10:00:00Z'), Date.parse('2026-09-02T10:00:00Z'), Date.parse('2026-10-30T23:59:59Z')];
    for (const [i, at] of received.entries()) {
      const events = await Promise.all(
        [0, 1].map((j) =>
          sampleEvent({
            id: sampleId(10 * i + j),
            observedAt: new Date(at - j * 60_000).toISOString(),
            user: { email: j ? 'ann@example.com' : 'bob@example.com' },
          }),
        ),
      );
      const rows = await old
        .insertInto('events')
        // As that release wrote them: without the outcome column of migration 0013.
        .values(events.map((e) => ({ ...toRow(e, { credentialId: 'c1', clientIp: '127.0.0.1', receivedAt: at }), response_outcome: undefined })))
        .returning(['seq', 'sort_at'])
        .execute();
      await old
        .insertInto('event_indicators')
        .values(rows.map((r) => ({ event_seq: r.seq, indicator: 'cloud_storage', sort_at: r.sort_at })))
        .execute();
    }
    const before = await sql`select * from events order by seq`.execute(old);
    const indicatorsBefore = await sql`select event_seq, indicator, sort_at from event_indicators order by event_seq`.execute(old);
    await old.destroy();

    const node = await buildConsole({ dataDir: dir, databaseUrl: url });
    closers.push(() => node.app.close());
    const db = node.services.db;
    // Unchanged but for the outcome column of migration 0013 (none of these has a response).
    expect((await sql`select * from events order by seq`.execute(db)).rows).toEqual(before.rows.map((r) => ({ ...(r as object), response_outcome: null })));
    expect((await sql`select event_seq, indicator, sort_at from event_indicators order by event_seq`.execute(db)).rows).toEqual(indicatorsBefore.rows);
    expect(await months(db)).toEqual(expect.arrayContaining(['events_p202608', 'events_p202609', 'events_p202610']));
    const where = await sql<{ part: string; n: number }>`select tableoid::regclass::text as part, count(*) as n from events group by 1 order by 1`.execute(db);
    expect(where.rows).toEqual([
      { part: 'events_p202608', n: 2 },
      { part: 'events_p202609', n: 2 },
      { part: 'events_p202610', n: 2 },
    ]);

    // Queries answer as before: the listing, a filter, one event by id.
    const admin = (await node.services.credentials.create({ name: 'admin', role: 'admin', createdBy: 'test' })).secret;
    const list = async (query: string) =>
      (await node.app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: { authorization: `Bearer ${admin}` } }))
        .json()
        .events.map((e: { id: string }) => e.id);
    const newestFirst = [...(before.rows as { id: string; sort_at: number; seq: number }[])]
      .sort((a, b) => b.sort_at - a.sort_at || b.seq - a.seq)
      .map((r) => r.id);
    expect(await list('limit=50')).toEqual(newestFirst);
    expect(await list('user=ann@example.com')).toEqual([sampleId(21), sampleId(11), sampleId(1)]);
    expect((await node.app.inject({ method: 'GET', url: `/api/v1/events/${sampleId(11)}`, headers: { authorization: `Bearer ${admin}` } })).statusCode).toBe(
      200,
    );

    // An old event sent again is a duplicate; a new one is stored after the old ones.
    const ingestKey = (await node.services.credentials.create({ name: 'ingest', role: 'ingest', createdBy: 'test' })).secret;
    const again = await ingest(node, ingestKey, [await sampleEvent({ id: sampleId(11) }), await sampleEvent({ id: sampleId(99) })]);
    expect(again.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    const newest = await db.selectFrom('events').select('seq').where('id', '=', sampleId(99)).executeTakeFirstOrThrow();
    expect(newest.seq).toBeGreaterThan(Math.max(...(before.rows as { seq: number }[]).map((r) => r.seq)));
  });

  it("drops the months past the retention as tables, keeps a month with a held person's events, and deletes the edge row by row", async () => {
    let clock = Date.parse('2026-03-10T12:00:00Z');
    const built = await makeTestConsole({ now: () => clock });
    closers.push(() => built.close());
    const db = built.services.db;
    const at = (iso: string) => (clock = Date.parse(iso));
    const send = async (n: number, email: string) => {
      const res = await ingest(built, built.keys.ingest, [await sampleEvent({ id: sampleId(n), observedAt: new Date(clock).toISOString(), user: { email } })]);
      expect(res.statusCode).toBe(200);
    };
    at('2026-03-10T12:00:00Z');
    await send(1, 'ann@example.com');
    await send(2, 'bob@example.com');
    at('2026-04-15T12:00:00Z');
    await send(3, 'bob@example.com');
    await send(4, 'cat@example.com');
    at('2026-05-20T12:00:00Z');
    await send(5, 'bob@example.com');
    at('2026-06-25T12:00:00Z');
    await send(6, 'bob@example.com');
    expect(await months(db)).toEqual(expect.arrayContaining(['events_p202603', 'events_p202604', 'events_p202605', 'events_p202606']));
    const hold = await built.app.inject({
      method: 'POST',
      url: '/api/v1/legal-holds',
      headers: built.as('admin'),
      payload: { email: 'ann@example.com', matter: 'M-1' },
    });
    expect(hold.statusCode).toBe(201);

    // 30 days: the cutoff falls on 2026-05-27, inside May.
    expect((await built.app.inject({ method: 'PUT', url: '/api/v1/retention', headers: built.as('admin'), payload: { days: 30 } })).statusCode).toBe(200);
    at('2026-06-26T00:00:00Z');
    const run = await runRetention(built.services);
    // April goes as a table (2); March holds Ann's (held) event, so it stays and Bob's goes as a
    // row (1); May's event is past the cutoff, deleted as a row (1); June's is younger.
    expect(run.deleted).toBe(2 + 1 + 1);
    const left = await months(db);
    expect(left).toContain('events_p202603');
    expect(left).not.toContain('events_p202604');
    expect(left).toContain('events_p202607'); // made ahead by the run
    expect((await db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([sampleId(1), sampleId(6)]);
    expect((await db.selectFrom('event_ids').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([sampleId(1), sampleId(6)]);
    const orphans = await sql<{
      n: number;
    }>`select count(*) as n from event_indicators i where not exists (select 1 from events e where e.seq = i.event_seq)`.execute(db);
    expect(orphans.rows[0]!.n).toBe(0);
    // An event of a dropped month sent again is stored again (as on SQLite, where its id went with it).
    expect((await ingest(built, built.keys.ingest, [await sampleEvent({ id: sampleId(3), user: { email: 'bob@example.com' } })])).json()).toMatchObject({
      accepted: 1,
    });

    // Released: March goes as a table at the next run.
    await built.app.inject({ method: 'DELETE', url: '/api/v1/legal-holds', headers: built.as('admin'), payload: { email: 'ann@example.com', matter: 'M-1' } });
    clock += DAY;
    expect((await runRetention(built.services)).deleted).toBe(1);
    expect(await months(db)).not.toContain('events_p202603');
  });

  it('leaves a month it cannot drop at once (a long reader) whole for the next run, instead of deleting it row by row', async () => {
    let clock = Date.parse('2026-03-10T12:00:00Z');
    const built = await makeTestConsole({ now: () => clock });
    closers.push(() => built.close());
    const db = built.services.db;
    const send = async (n: number) =>
      expect((await ingest(built, built.keys.ingest, [await sampleEvent({ id: sampleId(n), user: { email: 'bob@example.com' } })])).statusCode).toBe(200);
    await send(1);
    await send(2);
    clock = Date.parse('2026-04-20T12:00:00Z');
    await send(3);
    expect((await built.app.inject({ method: 'PUT', url: '/api/v1/retention', headers: built.as('admin'), payload: { days: 1 } })).statusCode).toBe(200);
    clock = Date.parse('2026-04-25T12:00:00Z');

    // A reader inside a transaction (an export, a backup) keeps the events table from being dropped from.
    const reader = new pg.Client({ connectionString: (await testDatabaseUrl(built.dir))! });
    await reader.connect();
    closers.push(() => reader.end());
    await reader.query('begin');
    await reader.query('select count(*) from events');
    const busy = await runRetention(built.services);
    expect(busy.deleted).toBe(1); // April's, row by row; March waits whole
    expect((await db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([sampleId(1), sampleId(2)]);
    expect(await months(db)).toContain('events_p202603');

    await reader.query('commit');
    expect((await runRetention(built.services)).deleted).toBe(2);
    expect(await months(db)).not.toContain('events_p202603');
  });
});
