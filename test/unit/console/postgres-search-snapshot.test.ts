// @vitest-environment node
/**
 * Forensic search paging on PostgreSQL, where a batch can take a lower seq and commit after a
 * batch with a higher one: the cursor carries the first page's snapshot, so a listing shows
 * exactly the events its first page saw, each once, whatever commits meanwhile.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compactSnapshot, CompactSnapshot, pgSnapshot } from '../../../console/events/search-snapshot';
import { encodeCursor } from '../../../console/http/cursor';
import { makeTestConsole, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const context = { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: T0 + 3_600_000 };
const event = (n: number, at: number) => sampleEvent({ id: sampleId(n), observedAt: new Date(at).toISOString() });

describe('compact snapshots', () => {
  it('round-trip a snapshot through the cursor form', () => {
    const compact = compactSnapshot('1000:1010:1002,1007');
    expect(compact).toBe('1000:10:2,7');
    expect(CompactSnapshot.safeParse(compact).success).toBe(true);
    expect(pgSnapshot(compact)).toBe('1000:1010:1002,1007');
    expect(pgSnapshot(compactSnapshot('5:5:'))).toBe('5:5:');
  });

  it('narrows a busy snapshot to one that sees a subset: xmax moves to the first transaction left out', () => {
    const xip = Array.from({ length: 20 }, (_, i) => 2000 + i * 3);
    const compact = compactSnapshot(`2000:2100:${xip.join(',')}`);
    expect(pgSnapshot(compact)).toBe(`2000:${xip[16]}:${xip.slice(0, 16).join(',')}`);
  });

  it.each(['1:0:3', '1:10:5,3', '1:10:5,5', 'x:1:', '1:10', `1:100:${Array.from({ length: 17 }, (_, i) => i).join(',')}`])('refuses %s', (bad) => {
    expect(CompactSnapshot.safeParse(bad).success).toBe(false);
  });
});

describe.runIf(testEngine() === 'postgres')('paging while a batch with a lower seq commits late', () => {
  let built: TestConsole;
  beforeEach(async () => {
    built = await makeTestConsole();
  });
  afterEach(() => built.close());

  const list = async (cursor?: string) => {
    const res = await built.app.inject({
      method: 'GET',
      url: `/api/v1/events?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      headers: built.as('read_only'),
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { events: { id: string }[]; nextCursor: string | null };
  };

  it('lists exactly the events the first page saw, each once', async () => {
    await built.services.events.ingest(await Promise.all(Array.from({ length: 20 }, (_, i) => event(i + 1, T0 + i * 1000))), context);
    // A batch that takes its seq now and commits only when released (held inside its transaction).
    const LATE = sampleId(999);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let inside = false;
    built.services.events.addIngestHook(async (_trx, stored) => {
      if (!stored.some((s) => s.event.id === LATE)) return;
      inside = true;
      await released;
    });
    // The oldest of all, so it sorts onto the last page; a week earlier, so it shares no exposure
    // bucket (whose row locks would make the next batch wait for it) with the others.
    const late = built.services.events.ingest([await event(999, T0 - 8 * 86_400_000)], context);
    await vi.waitFor(() => expect(inside).toBe(true));
    await built.services.events.ingest(await Promise.all(Array.from({ length: 5 }, (_, i) => event(21 + i, T0 + (20 + i) * 1000))), context);

    const first = await list();
    expect(first.events.map((e) => e.id)).toEqual([25, 24, 23, 22, 21].map(sampleId));
    release();
    await late;
    const lateSeq = (await built.services.db.selectFrom('events').select('seq').where('id', '=', LATE).executeTakeFirstOrThrow()).seq;
    const position = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()) as { m: number; x: string };
    // The highest seq of the first page does not bound it: the late batch's seq is below.
    expect(lateSeq).toBeLessThan(position.m);

    const ids = first.events.map((e) => e.id);
    for (let cursor = first.nextCursor; cursor !== null;) {
      const page = await list(cursor);
      ids.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    }
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => sampleId(25 - i)));
    // A new search sees it.
    expect((await built.app.inject({ method: 'GET', url: `/api/v1/events/${LATE}`, headers: built.as('read_only') })).statusCode).toBe(200);
    expect((await list()).events).toHaveLength(5);
  });

  it('answers 400 to a cursor whose snapshot was tampered with, or that lacks one', async () => {
    await built.services.events.ingest(await Promise.all(Array.from({ length: 8 }, (_, i) => event(i + 1, T0 + i * 1000))), context);
    const first = await list();
    const position = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()) as Record<string, unknown>;
    for (const x of ['9:1:5', undefined]) {
      const res = await built.app.inject({
        method: 'GET',
        url: `/api/v1/events?limit=5&cursor=${encodeCursor({ ...position, x })}`,
        headers: built.as('read_only'),
      });
      expect(res.statusCode).toBe(400);
    }
  });
});
