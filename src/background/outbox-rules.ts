/**
 * The outbox's rules, apart from its machinery (outbox.ts): how long it waits, how much of an answer
 * it reads, which answers may be down to a batch's content, how a batch is bounded in bytes, and how
 * an answer is read. Pure functions and constants, so each rule reads on its own.
 */
import type { BackendTarget } from '../core/effective-config';
import type { DeliveryOutcome } from '../core/formats';
import type { BrowserHealth } from '../core/schema/event';
import type { OutboxEntry } from './db';

const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;
const MAX_RETRY_AFTER_MS = 86_400_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How much of an answer is read. Generous: an Elasticsearch _bulk answer has an item per event
 * (about 200 bytes, up to 600 with an error) and a batch may hold 10,000 events. A longer answer is
 * cut, which only an Elasticsearch answer needs whole: cut, it is not JSON and the batch is retried.
 */
export const MAX_ANSWER_CHARS = 16 * 1024 * 1024;

/**
 * How many times a batch is failed by an answer that may be down to its content before it is halved,
 * and how many more times its event is failed alone before it is moved behind the queue. Three: the
 * first three failures span the backoff's first waits (30 s, 1 min, 2 min), so a 500 that passes (a
 * restart, a database failover, a deploy) is over before anything is split or reordered; and a
 * poison event then holds the events behind it for some 15 minutes (then 4 and 8 min waits; under 20
 * with the jitter), not until the outbox fills. Halving costs one request per level, once.
 */
export const POISON_AFTER = 3;

/**
 * An answer that may be down to what the batch held (a backend's bug, such as PostgreSQL failing on
 * a file name with U+0000): a 5xx other than 502, 503 and 504, which say the backend or the way to it
 * is down or busy. Network errors, timeouts, 408 and 429 never count: they say nothing of the content,
 * so they never split a batch nor change the order.
 */
export function mayBeTheContent(status: number | undefined): boolean {
  return status !== undefined && status >= 500 && status <= 599 && status !== 502 && status !== 503 && status !== 504;
}

/** Refusals of the request, not of an event in it: splitting the batch would only repeat them. */
export const REFUSES_EVERY_EVENT = /\bHTTP (?:401|403|404|405|410)\b/;

/**
 * A digest of the backend settings events are sent with (address, format, credential): dead
 * letters keep it, so they are sent again once the settings change. The token never is stored.
 */
export async function targetFingerprint(target: BackendTarget): Promise<string> {
  const text = [target.url, target.format.id, target.token ?? ''].join('\n');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest).subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** What must change for health to be reported on its own: not its time, nor the queue depth that every batch changes. */
export function healthKey(health: BrowserHealth): string {
  return JSON.stringify({ ...health, reportedAt: undefined, queued: undefined });
}

/** gzip with the platform's CompressionStream (browsers, Node 18+). */
export async function gzipWithCompressionStream(body: string): Promise<Uint8Array> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The backoff after `failures` in a row: doubling from 30 s to 30 min, with jitter (`random` in [0, 1)); or what Retry-After asked. */
export function backoffWait(failures: number, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const backoff = Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** (failures - 1));
  return backoff + backoff * 0.2 * random;
}

/**
 * The format's reading of an answer. One it cannot read (a shape it did not expect: `null`, items
 * that are not a list) is retried, and said to be unreadable: the backend was reached.
 */
export function interpretAnswer(target: BackendTarget, response: Response, answer: string, now: number, events: number): DeliveryOutcome {
  try {
    return target.format.interpret(response.status, answer, response.headers.get('Retry-After'), now, events);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { kind: 'retry', error: `backend answered HTTP ${response.status} that could not be read (${why})`.slice(0, 500) };
  }
}

/** The longest prefix of the batch whose encoded body fits the byte limit (always at least one event). */
export function limitBytes(batch: OutboxEntry[], target: BackendTarget): OutboxEntry[] {
  const limit = target.maxBatchBytes;
  let count = batch.length;
  let size = batch.reduce((n, e) => n + e.bytes, 0);
  while (count > 1 && size > limit) {
    count = Math.max(1, Math.floor(count / 2));
    size = batch.slice(0, count).reduce((n, e) => n + e.bytes, 0);
  }
  return batch.slice(0, count);
}
