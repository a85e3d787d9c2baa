// @vitest-environment node
/**
 * `kill -9` in the middle of a heavy ingest loses no acknowledged event: a browser deletes a batch
 * from its outbox once it sees a 2xx, so every 2xx must be on disk. The console runs as its users
 * run it (its own process, on a data folder); ten senders post batches; the process is killed
 * with SIGKILL while requests are in flight, started again on the same folder, and asked for
 * every event it acknowledged.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openSqlite, SQLITE_FILE } from '../../../console/db/database';
import { lastLine, runConsoleCli, serveConsole, stopAll } from '../support/console-child-process';
import { sampleEvent, sampleId } from '../support/sample-event';

const SENDERS = 10;
const EVENTS_PER_BATCH = 100;
/** Kill once this many batches are acknowledged, with the other senders' batches in flight. */
const KILL_AFTER_BATCHES = 40;
/** Each sender stops after this many batches whatever happens (the kill comes long before). */
const MAX_BATCHES_PER_SENDER = 100;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'upwatch-durability-'));
});
afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps every acknowledged event through kill -9 mid-ingest, on WAL with synchronous=FULL', { timeout: 60_000 }, async () => {
  const ingestToken = lastLine((await runConsoleCli(['token', 'create', '--data', dir, '--role', 'ingest', '--name', 'browsers'])).stdout);
  const [admin, server] = await Promise.all([
    runConsoleCli(['token', 'create', '--data', dir, '--role', 'admin', '--name', 'ops']),
    serveConsole(dir, ['--ingest-rate-limit', '0']),
  ]);
  const adminKey = lastLine(admin.stdout);
  expect(ingestToken).toMatch(/^upw_ing_/);
  expect(adminKey).toMatch(/^upw_key_/);

  const template = await sampleEvent();
  const acknowledged: string[] = [];
  let acknowledgedBatches = 0;
  let attempted = 0;
  let nextId = 1;
  let killed: Promise<void> | undefined;

  async function sender(): Promise<void> {
    for (let i = 0; i < MAX_BATCHES_PER_SENDER && !killed; i++) {
      const ids = Array.from({ length: EVENTS_PER_BATCH }, () => sampleId(nextId++));
      attempted += ids.length;
      try {
        const res = await fetch(`${server.url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: ids.map((id) => ({ ...template, id })) }),
        });
        await res.arrayBuffer();
        if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        if (killed) return; // In flight when the process died: not acknowledged, the browser keeps it.
        throw err;
      }
      acknowledged.push(...ids);
      if (++acknowledgedBatches === KILL_AFTER_BATCHES) killed = server.kill();
    }
  }
  await Promise.all(Array.from({ length: SENDERS }, sender));
  expect(killed, 'the senders finished before the kill').toBeDefined();
  await killed;
  // The kill landed mid-ingest: some batches were sent and never answered.
  expect(attempted).toBeGreaterThan(acknowledged.length);

  const restarted = await serveConsole(dir);
  const stored = new Set<string>();
  let cursor: string | null = '';
  for (let page = 0; cursor !== null && page < 1000; page++) {
    const res = await fetch(`${restarted.url}/api/v1/events?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: { id: string }[]; nextCursor: string | null };
    for (const e of body.events) stored.add(e.id);
    cursor = body.nextCursor;
  }
  const lost = acknowledged.filter((id) => !stored.has(id));
  expect(lost, `${lost.length} of ${acknowledged.length} acknowledged events lost`).toEqual([]);
  expect(stored.size).toBeLessThanOrEqual(attempted);
  const one = await fetch(`${restarted.url}/api/v1/events/${acknowledged.at(-1)}`, { headers: { authorization: `Bearer ${adminKey}` } });
  expect((await one.json()).received.credential).toBe('browsers');
  await restarted.stop();

  // The file is in WAL mode, and the console's own way of opening it asks for a full sync.
  const reopened = openSqlite(dir);
  try {
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reopened.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    reopened.close();
  }
  const plain = new Database(join(dir, SQLITE_FILE), { readonly: true });
  try {
    expect(plain.pragma('journal_mode', { simple: true })).toBe('wal');
  } finally {
    plain.close();
  }
});
