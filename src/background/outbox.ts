/**
 * The durable outbox: every event to forward waits here (IndexedDB) until the backend accepts it.
 * - Batches are bounded by count and bytes, gzip-compressed where the format allows, keyed by event id.
 * - Retries back off exponentially with jitter, on an alarm; Retry-After is honoured.
 * - 413 splits the batch; any other refusal (4xx but 408/409/429) moves it aside as dead letters.
 * - Bounded: past the cap, the lowest severity goes first, and the count dropped travels with the next batch.
 * At-least-once: an entry is deleted only after the backend answered 2xx, so a worker stopped
 * mid-request sends it again, and the backend de-duplicates on the event id.
 */
import { backendUrlProblem } from '../core/backend-url';
import type { BackendTarget } from '../core/effective-config';
import type { DeliveryOutcome } from '../core/formats';
import { reportedClientIp } from '../core/risk/network';
import type { FileEvent } from '../core/schema/event';
import { SEVERITIES } from '../core/schema/identifiers';
import { readState, writeState, type Database, type OutboxEntry } from './db';

export interface OutboxLimits {
  maxEvents: number;
  maxBytes: number;
}

export interface OutboxDeps {
  db: Database;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  /** The backend in force now; undefined when none is configured (events wait in the outbox). */
  target: () => Promise<BackendTarget | undefined>;
  /** The client IP a backend reports seeing (the console answers `{"clientIp": …}`), for the remote indicator. */
  onClientIp?: (clientIp: string) => Promise<void>;
  limits?: OutboxLimits;
  /** Compresses a body (CompressionStream in browsers); undefined sends everything uncompressed. */
  gzip?: (body: string) => Promise<Uint8Array>;
}

export interface FlushResult {
  sent: number;
  remaining: number;
  deadLettered?: number;
  error?: string;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxEvents: 20_000, maxBytes: 20 * 1024 * 1024 };
const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** gzip with the platform's CompressionStream (browsers, Node 18+). */
export async function gzipWithCompressionStream(body: string): Promise<Uint8Array> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class Outbox {
  #flushing: Promise<FlushResult> | undefined;
  /** Backends that answered 415 to a gzip body get plain bodies until the worker restarts. */
  readonly #noGzip = new Set<string>();

  constructor(private readonly deps: OutboxDeps) {}

  get #limits(): OutboxLimits {
    return this.deps.limits ?? DEFAULT_OUTBOX_LIMITS;
  }

  /** Queues events; past the caps the lowest-severity (then oldest) entries are dropped and counted. */
  async enqueue(events: readonly FileEvent[]): Promise<void> {
    const now = this.deps.now();
    const tx = this.deps.db.transaction(['outbox', 'state'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    const stats = await readStatsIn(tx.objectStore('state'));
    for (const event of events) {
      const previous = await outbox.get(event.id);
      const bytes = JSON.stringify(event).length;
      await outbox.put({ id: event.id, event, enqueuedAt: now, attempts: 0, nextAttemptAt: now, rank: SEVERITIES.indexOf(event.risk.severity), bytes });
      stats.bytes += bytes - (previous?.bytes ?? 0);
    }
    let count = await outbox.count();
    if (count > this.#limits.maxEvents || stats.bytes > this.#limits.maxBytes) {
      let cursor = await outbox.index('rankAge').openCursor();
      while (cursor && (count > this.#limits.maxEvents || stats.bytes > this.#limits.maxBytes)) {
        stats.bytes -= cursor.value.bytes;
        stats.dropped += 1;
        stats.droppedTotal += 1;
        count -= 1;
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    await tx.objectStore('state').put(stats, 'outboxStats');
    await tx.done;
  }

  depth(): Promise<number> {
    return this.deps.db.count('outbox');
  }

  deadLetterCount(): Promise<number> {
    return this.deps.db.count('deadLetters');
  }

  /** Puts every dead letter back in the queue (after the admin fixed the backend); returns how many. */
  async requeueDeadLetters(): Promise<number> {
    const letters = await this.deps.db.getAll('deadLetters');
    if (letters.length === 0) return 0;
    await this.enqueue(letters.map((l) => l.event));
    const tx = this.deps.db.transaction('deadLetters', 'readwrite');
    await Promise.all([...letters.map((l) => tx.store.delete(l.id)), tx.done]);
    return letters.length;
  }

  /** One flush at a time per worker; callers arriving meanwhile share the running one. */
  flush(options: { ignoreBackoff?: boolean } = {}): Promise<FlushResult> {
    this.#flushing ??= this.#flushAll(options).finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flushAll({ ignoreBackoff = false }: { ignoreBackoff?: boolean }): Promise<FlushResult> {
    const target = await this.deps.target();
    if (!target) return { sent: 0, remaining: await this.depth(), error: 'no backend configured' };
    const problem = backendUrlProblem(target.url);
    if (problem) {
      await this.#recordFailure(problem);
      return { sent: 0, remaining: await this.depth(), error: problem };
    }
    const perRequest = Math.min(target.maxBatchEvents, target.format.maxEventsPerRequest ?? Infinity);
    let sent = 0;
    let deadLettered = 0;
    for (;;) {
      const due = await this.#due(ignoreBackoff, perRequest);
      if (due.length === 0) break;
      const result = await this.#deliver(target, limitBytes(due, target));
      sent += result.sent;
      deadLettered += result.dead;
      if (result.error) {
        await this.#recordFailure(result.error);
        return { sent, remaining: await this.depth(), ...(deadLettered && { deadLettered }), error: result.error };
      }
    }
    return { sent, remaining: await this.depth(), ...(deadLettered && { deadLettered }) };
  }

  /** Sends one batch and settles every entry in it: deleted, rescheduled, split or dead-lettered. */
  async #deliver(target: BackendTarget, batch: OutboxEntry[]): Promise<{ sent: number; dead: number; error?: string }> {
    const outcome = await this.#send(target, batch);
    switch (outcome.kind) {
      case 'ok':
        await this.#accepted(batch);
        return { sent: batch.length, dead: 0 };
      case 'retry':
        await this.#reschedule(batch, outcome.error, outcome.retryAfterMs);
        return { sent: 0, dead: 0, error: outcome.error };
      case 'dead':
        await this.#deadLetter(batch, outcome.error);
        return { sent: 0, dead: batch.length };
      case 'split': {
        if (batch.length === 1) {
          await this.#deadLetter(batch, `${outcome.error} (a single event is too large for this backend)`);
          return { sent: 0, dead: 1 };
        }
        const half = Math.ceil(batch.length / 2);
        const first = await this.#deliver(target, batch.slice(0, half));
        if (first.error) return first;
        const second = await this.#deliver(target, batch.slice(half));
        return { sent: first.sent + second.sent, dead: first.dead + second.dead, ...(second.error && { error: second.error }) };
      }
      case 'partial': {
        const retry = new Set(outcome.retry);
        const dead = new Map(outcome.dead.map((d) => [d.index, d.error]));
        const accepted = batch.filter((_, i) => !retry.has(i) && !dead.has(i));
        await this.#accepted(accepted);
        for (const [index, error] of dead) await this.#deadLetter([batch[index]!], error);
        const again = batch.filter((_, i) => retry.has(i));
        if (again.length === 0) return { sent: accepted.length, dead: dead.size };
        const error = `backend asked to retry ${again.length} of ${batch.length} events`;
        await this.#reschedule(again, error, outcome.retryAfterMs);
        return { sent: accepted.length, dead: dead.size, error };
      }
    }
  }

  async #due(ignoreBackoff: boolean, limit: number): Promise<OutboxEntry[]> {
    const index = this.deps.db.transaction('outbox').store.index('nextAttemptAt');
    const range = ignoreBackoff ? null : IDBKeyRange.upperBound(this.deps.now());
    return index.getAll(range, limit);
  }

  async #send(target: BackendTarget, batch: OutboxEntry[]): Promise<DeliveryOutcome> {
    const { dropped } = await readState(this.deps.db, 'outboxStats');
    const text = target.format.encode(
      batch.map((e) => e.event),
      dropped ? { droppedEvents: dropped } : {},
    );
    const headers: Record<string, string> = { 'Content-Type': target.format.contentType };
    if (target.token) headers.Authorization = target.format.authorization(target.token);
    const endpoint = target.format.endpoint(target.url);
    const gzip = this.deps.gzip && target.format.supportsGzip && !this.#noGzip.has(endpoint) ? this.deps.gzip : undefined;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    try {
      const body: BodyInit = gzip ? ((await gzip(text)) as Uint8Array<ArrayBuffer>) : text;
      const response = await this.deps.fetch(endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        credentials: 'omit',
      });
      if (response.status === 415 && gzip) {
        this.#noGzip.add(endpoint);
        return this.#send(target, batch);
      }
      const answer = await response.text().catch(() => '');
      if (response.ok) await this.#noteClientIp(response, answer);
      return target.format.interpret(response.status, answer, response.headers.get('Retry-After'), this.deps.now());
    } catch (err) {
      return { kind: 'retry', error: `backend unreachable: ${err instanceof Error ? err.name : 'error'}` };
    }
  }

  async #accepted(batch: OutboxEntry[]): Promise<void> {
    if (batch.length === 0) return;
    const tx = this.deps.db.transaction(['outbox', 'state'], 'readwrite');
    const stats = await readStatsIn(tx.objectStore('state'));
    for (const entry of batch) {
      await tx.objectStore('outbox').delete(entry.id);
      stats.bytes = Math.max(0, stats.bytes - entry.bytes);
    }
    // The drop count went out with this batch.
    stats.dropped = 0;
    await tx.objectStore('state').put(stats, 'outboxStats');
    await tx.done;
    await writeState(this.deps.db, 'deliveryStatus', {
      ...(await readState(this.deps.db, 'deliveryStatus')),
      lastSuccessAt: this.deps.now(),
      consecutiveFailures: 0,
    });
  }

  async #deadLetter(batch: OutboxEntry[], error: string): Promise<void> {
    const now = this.deps.now();
    const tx = this.deps.db.transaction(['outbox', 'deadLetters', 'state'], 'readwrite');
    const stats = await readStatsIn(tx.objectStore('state'));
    for (const entry of batch) {
      await tx.objectStore('outbox').delete(entry.id);
      await tx.objectStore('deadLetters').put({ id: entry.id, event: entry.event, error: error.slice(0, 500), failedAt: now });
      stats.bytes = Math.max(0, stats.bytes - entry.bytes);
    }
    await tx.objectStore('state').put(stats, 'outboxStats');
    await tx.done;
    await this.#recordFailure(`${batch.length} event(s) refused and kept as dead letters: ${error}`);
  }

  /** Reads `clientIp` from a JSON answer; any other answer (or none) is fine and ignored. */
  async #noteClientIp(response: Response, answer: string): Promise<void> {
    if (!this.deps.onClientIp || !(response.headers.get('content-type') ?? '').includes('json')) return;
    try {
      const body: unknown = JSON.parse(answer);
      const ip = reportedClientIp(typeof body === 'object' && body !== null ? (body as { clientIp?: unknown }).clientIp : undefined);
      if (ip) await this.deps.onClientIp(ip);
    } catch {
      // Not JSON after all: nothing to learn.
    }
  }

  async #reschedule(batch: OutboxEntry[], error: string, retryAfterMs?: number): Promise<void> {
    const now = this.deps.now();
    const tx = this.deps.db.transaction('outbox', 'readwrite');
    await Promise.all([
      ...batch.map((entry) => {
        const attempts = entry.attempts + 1;
        const backoff = Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** (attempts - 1));
        const jitter = backoff * 0.2 * this.deps.random();
        const wait = retryAfterMs !== undefined ? Math.min(retryAfterMs, 86_400_000) : backoff + jitter;
        return tx.store.put({ ...entry, attempts, nextAttemptAt: now + wait, lastError: error });
      }),
      tx.done,
    ]);
  }

  async #recordFailure(error: string): Promise<void> {
    const status = await readState(this.deps.db, 'deliveryStatus');
    await writeState(this.deps.db, 'deliveryStatus', {
      ...status,
      lastErrorAt: this.deps.now(),
      lastError: error.slice(0, 500),
      consecutiveFailures: status.consecutiveFailures + 1,
    });
  }
}

interface StatsStore {
  get(key: string): Promise<unknown>;
}

async function readStatsIn(store: StatsStore): Promise<{ bytes: number; dropped: number; droppedTotal: number }> {
  const raw = (await store.get('outboxStats')) as { bytes?: number; dropped?: number; droppedTotal?: number } | undefined;
  return { bytes: raw?.bytes ?? 0, dropped: raw?.dropped ?? 0, droppedTotal: raw?.droppedTotal ?? 0 };
}

/** The longest prefix of the batch whose encoded body fits the byte limit (always at least one event). */
function limitBytes(batch: OutboxEntry[], target: BackendTarget): OutboxEntry[] {
  const limit = target.maxBatchBytes;
  let count = batch.length;
  let size = batch.reduce((n, e) => n + e.bytes, 0);
  while (count > 1 && size > limit) {
    count = Math.max(1, Math.floor(count / 2));
    size = batch.slice(0, count).reduce((n, e) => n + e.bytes, 0);
  }
  return batch.slice(0, count);
}
