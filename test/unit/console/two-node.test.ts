// @vitest-environment node
/**
 * Two console processes on one PostgreSQL database, as behind a load balancer. Senders post
 * batches to both nodes at once: some batches go to both (a browser that retried through the other
 * node), the rest alternate. Node A is killed with SIGKILL mid-ingest and its senders retry on B
 * until B acknowledges. Afterwards every acknowledged event is stored exactly once, and each
 * user's events that one rule matched are in exactly one alert, whose count is theirs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FileEvent } from '../../../src/core/schema/event';
import { lastLine, runConsoleCli, serveConsole, stopAll, type ServingConsole } from '../support/console-child-process';
import { sampleEvent, sampleId } from '../support/sample-event';
import { removeTestData, testEngine } from '../support/test-console';

const SENDERS = 8;
const EVENTS_PER_BATCH = 50;
const USERS = ['ann@example.com', 'bob@example.com', 'cat@example.com'];
/** Kill node A once this many batches are acknowledged, with others in flight. */
const KILL_AFTER_BATCHES = 30;
const BATCHES_PER_SENDER = 12;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'upwatch-two-node-'));
});
afterEach(async () => {
  await stopAll();
  await removeTestData(dir);
});

async function post(node: ServingConsole, token: string, events: FileEvent[]): Promise<void> {
  const res = await fetch(`${node.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
}

async function allEvents(node: ServingConsole, key: string): Promise<{ id: string; user: { email?: string } }[]> {
  const out: { id: string; user: { email?: string } }[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const res = await fetch(`${node.url}/api/v1/events?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: { id: string; user: { email?: string } }[]; nextCursor: string | null };
    out.push(...body.events);
    cursor = body.nextCursor;
  }
  return out;
}

it.runIf(testEngine() === 'postgres')(
  'stores every acknowledged event exactly once and raises one alert per user, with one node killed mid-ingest',
  { timeout: 120_000 },
  async () => {
    const [ingest, admin] = await Promise.all(
      ['ingest', 'admin'].map(async (role) => lastLine((await runConsoleCli(['token', 'create', '--data', dir, '--role', role, '--name', role])).stdout)),
    );
    const [a, b] = await Promise.all([serveConsole(dir, ['--ingest-rate-limit', '0']), serveConsole(dir, ['--ingest-rate-limit', '0'])]);
    const rule = await fetch(`${b.url}/api/v1/alert-rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'cloud', name: 'Cloud uploads', conditions: { destinationCategories: ['cloud_storage'] } }),
    });
    expect(rule.status).toBe(201);

    const template = await sampleEvent();
    const observedAt = new Date().toISOString();
    const acknowledged = new Set<string>();
    let nextId = 1;
    let acknowledgedBatches = 0;
    let killed: Promise<void> | undefined;
    let retriedOnB = 0;

    /** Posts to `first`; if A is dead or dies on the way, retries on B until B acknowledges. */
    async function deliver(first: ServingConsole, events: FileEvent[]): Promise<void> {
      try {
        await post(first, ingest!, events);
      } catch (err) {
        if (first !== a || !killed) throw err;
        retriedOnB++;
        await post(b, ingest!, events);
      }
      for (const e of events) acknowledged.add(e.id);
      if (++acknowledgedBatches === KILL_AFTER_BATCHES) killed = a.kill();
    }

    async function sender(n: number): Promise<void> {
      for (let i = 0; i < BATCHES_PER_SENDER; i++) {
        const events = Array.from({ length: EVENTS_PER_BATCH }, (_, j) => ({
          ...template,
          id: sampleId(nextId++),
          observedAt,
          user: { email: USERS[(n + j) % USERS.length] },
        }));
        // Every third batch goes through both nodes at once (a retry crossing the first answer).
        if (i % 3 === 0) await Promise.all([deliver(a, events), deliver(b, events)]);
        else await deliver(i % 2 ? a : b, events);
      }
    }
    await Promise.all(Array.from({ length: SENDERS }, (_, n) => sender(n)));
    expect(killed, 'node A was killed mid-ingest').toBeDefined();
    await killed;
    expect(retriedOnB, 'some batches were cut off on A and retried on B').toBeGreaterThan(0);
    expect(acknowledged.size).toBe(SENDERS * BATCHES_PER_SENDER * EVENTS_PER_BATCH);

    const stored = await allEvents(b, admin!);
    const ids = stored.map((e) => e.id);
    expect(new Set(ids).size, 'no event listed twice').toBe(ids.length);
    expect(ids.filter((id) => !acknowledged.has(id))).toEqual([]);
    expect([...acknowledged].filter((id) => !ids.includes(id))).toEqual([]);

    const res = await fetch(`${b.url}/api/v1/alerts?limit=100`, { headers: { authorization: `Bearer ${admin}` } });
    const alerts = ((await res.json()) as { alerts: { user: string; eventCount: number }[] }).alerts;
    expect(alerts.map((x) => x.user).sort()).toEqual([...USERS].sort());
    for (const user of USERS) {
      expect(alerts.find((x) => x.user === user)!.eventCount, user).toBe(stored.filter((e) => e.user.email === user).length);
    }
  },
);
