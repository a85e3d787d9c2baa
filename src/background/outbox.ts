/**
 * The durable outbox: every event is queued in IndexedDB before any send, and removed only after
 * the backend accepted it (any 2xx). A worker stopped mid-request re-sends on its next start:
 * delivery is at-least-once and backends de-duplicate on the event id.
 */
import { backendUrlProblem } from '../core/backend-url';
import type { FileEvent } from '../core/schema/event';
import type { WireFormat } from '../core/formats';
import { readState, writeState, type Database, type OutboxEntry } from './db';

export interface BackendTarget {
  url: string;
  token: string | undefined;
  format: WireFormat;
  /** Policy limits per request: events, and bytes of the encoded body. */
  maxBatchEvents?: number;
  maxBatchBytes?: number;
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
}

export interface FlushResult {
  sent: number;
  remaining: number;
  error?: string;
}

const DEFAULT_BATCH_EVENTS = 200;
const DEFAULT_BATCH_BYTES = 1_048_576;
const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

export class Outbox {
  #flushing: Promise<FlushResult> | undefined;

  constructor(private readonly deps: OutboxDeps) {}

  async enqueue(events: readonly FileEvent[]): Promise<void> {
    const now = this.deps.now();
    const tx = this.deps.db.transaction('outbox', 'readwrite');
    await Promise.all([
      ...events.map((event) => tx.store.put({ id: event.id, event, enqueuedAt: now, attempts: 0, nextAttemptAt: now })),
      tx.done,
    ]);
  }

  depth(): Promise<number> {
    return this.deps.db.count('outbox');
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
    let sent = 0;
    for (;;) {
      const batch = limitBytes(await this.#due(ignoreBackoff, target.maxBatchEvents ?? DEFAULT_BATCH_EVENTS), target);
      if (batch.length === 0) break;
      const error = await this.#send(target, batch);
      if (error) {
        await this.#reschedule(batch, error);
        await this.#recordFailure(error);
        return { sent, remaining: await this.depth(), error };
      }
      const tx = this.deps.db.transaction('outbox', 'readwrite');
      await Promise.all([...batch.map((e) => tx.store.delete(e.id)), tx.done]);
      sent += batch.length;
      await writeState(this.deps.db, 'deliveryStatus', {
        ...(await readState(this.deps.db, 'deliveryStatus')),
        lastSuccessAt: this.deps.now(),
        consecutiveFailures: 0,
      });
    }
    return { sent, remaining: await this.depth() };
  }

  async #due(ignoreBackoff: boolean, limit: number): Promise<OutboxEntry[]> {
    const index = this.deps.db.transaction('outbox').store.index('nextAttemptAt');
    const range = ignoreBackoff ? null : IDBKeyRange.upperBound(this.deps.now());
    return index.getAll(range, limit);
  }

  async #send(target: BackendTarget, batch: OutboxEntry[]): Promise<string | undefined> {
    const headers: Record<string, string> = { 'Content-Type': target.format.contentType };
    if (target.token) headers.Authorization = target.format.authorization(target.token);
    try {
      const response = await this.deps.fetch(target.format.endpoint(target.url), {
        method: 'POST',
        headers,
        body: target.format.encode(batch.map((e) => e.event)),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        credentials: 'omit',
      });
      if (response.ok) {
        await this.#noteClientIp(response);
        return undefined;
      }
      return `backend answered HTTP ${response.status}`;
    } catch (err) {
      return `backend unreachable: ${err instanceof Error ? err.name : 'error'}`;
    }
  }

  /** Reads `clientIp` from a JSON answer; any other answer (or none) is fine and ignored. */
  async #noteClientIp(response: Response): Promise<void> {
    if (!this.deps.onClientIp || !(response.headers.get('content-type') ?? '').includes('json')) return;
    try {
      const body: unknown = await response.json();
      const ip = typeof body === 'object' && body !== null ? (body as { clientIp?: unknown }).clientIp : undefined;
      if (typeof ip === 'string' && ip.length > 0 && ip.length <= 64) await this.deps.onClientIp(ip);
    } catch {
      // Not JSON after all: nothing to learn.
    }
  }

  async #reschedule(batch: OutboxEntry[], error: string): Promise<void> {
    const now = this.deps.now();
    const tx = this.deps.db.transaction('outbox', 'readwrite');
    await Promise.all([
      ...batch.map((entry) => {
        const attempts = entry.attempts + 1;
        const backoff = Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** (attempts - 1));
        const jitter = backoff * 0.2 * this.deps.random();
        return tx.store.put({ ...entry, attempts, nextAttemptAt: now + backoff + jitter, lastError: error });
      }),
      tx.done,
    ]);
  }

  async #recordFailure(error: string): Promise<void> {
    const status = await readState(this.deps.db, 'deliveryStatus');
    await writeState(this.deps.db, 'deliveryStatus', {
      ...status,
      lastErrorAt: this.deps.now(),
      lastError: error,
      consecutiveFailures: status.consecutiveFailures + 1,
    });
  }
}

/** The longest prefix of the batch whose encoded body fits the byte limit (always at least one event). */
function limitBytes(batch: OutboxEntry[], target: BackendTarget): OutboxEntry[] {
  const limit = target.maxBatchBytes ?? DEFAULT_BATCH_BYTES;
  let count = batch.length;
  while (count > 1 && new TextEncoder().encode(target.format.encode(batch.slice(0, count).map((e) => e.event))).length > limit) {
    count = Math.max(1, Math.floor(count / 2));
  }
  return batch.slice(0, count);
}
