/**
 * The durable outbox: every event to forward waits here (IndexedDB) until the backend accepts it.
 * - Batches are bounded by count and bytes, gzip-compressed where the format allows, keyed by event id.
 * - Delivery keeps the order events were queued in; a failure backs off the whole queue,
 *   exponentially with jitter, on an alarm; Retry-After is honoured.
 * - An event the backend fails every time (a 500 its content triggers) is isolated by halving its
 *   batch, then moved behind the rest of the queue, still retried: it must not hold back the others.
 * - 413 splits the batch; so does any other refusal (4xx but 408/409/429) of content, until the
 *   events the backend refuses are isolated as dead letters and the rest is delivered; a refusal
 *   of the request itself (401, 403, 404, 405, 410: credentials, address) parks the whole batch.
 * - Dead letters go back in the queue by themselves when the backend settings change (a token
 *   rotated by policy, a URL or format fixed): nobody has to click "Resend" on every browser.
 * - Bounded: past the cap, the lowest severity goes first, and the count dropped travels with the next batch.
 * At-least-once: an entry is deleted only after the backend answered 2xx, so a worker stopped
 * mid-request sends it again, and the backend de-duplicates on the event id.
 */
import { backendUrlProblem } from '../core/backend-url';
import type { BackendTarget } from '../core/effective-config';
import type { DeliveryOutcome } from '../core/formats';
import { reportedClientIp } from '../core/risk/network';
import { BrowserHealth, type FileEvent } from '../core/schema/event';
import { readState, writeState, type Database, type OutboxEntry } from './db';
import { isRedirect, readBoundedText } from './bounded-text';
import { DEFAULT_OUTBOX_LIMITS, OutboxQueue, type OutboxLimits, type OutboxTransaction } from './outbox-queue';
import {
  backoffWait,
  healthKey,
  interpretAnswer,
  limitBytes,
  MAX_ANSWER_CHARS,
  mayBeTheContent,
  POISON_AFTER,
  REFUSES_EVERY_EVENT,
  REQUEST_TIMEOUT_MS,
  targetFingerprint,
} from './outbox-rules';

export { gzipWithCompressionStream, targetFingerprint } from './outbox-rules';

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
  /** How this browser's delivery stands, sent with native batches (delivery-health.ts); undefined sends none. */
  health?: () => Promise<BrowserHealth>;
}

export interface FlushResult {
  sent: number;
  remaining: number;
  deadLettered?: number;
  error?: string;
}

/** The target with its digest, and the queue's newest entry when the batch was read (for the backoff). */
type FingerprintedTarget = BackendTarget & { fingerprint: string; tail: string };

/**
 * What sending one batch (and its halves) settled; `refused`: the backend refused the request itself;
 * `poison`: the event, sent alone, the backend has failed POISON_AFTER times: it goes behind the queue.
 */
interface Delivered {
  sent: number;
  dead: number;
  refused?: boolean;
  error?: string;
  poison?: OutboxEntry;
}

/** An outcome, with the HTTP status when the backend answered one. */
type Answered = DeliveryOutcome & { status?: number };

export class Outbox {
  readonly #queue: OutboxQueue;
  #flushing: Promise<FlushResult> | undefined;
  /** The pass that runs after the current one, for callers that arrived during it (and whether one asked to ignore the backoff). */
  #followUp: { result: Promise<FlushResult>; ignoreBackoff: boolean } | undefined;
  /** Backends that answered 415 to a gzip body get plain bodies until the worker restarts. */
  readonly #noGzip = new Set<string>();

  constructor(private readonly deps: OutboxDeps) {
    this.#queue = new OutboxQueue(deps.db, deps.limits ?? DEFAULT_OUTBOX_LIMITS);
  }

  /** Queues events; past the caps the lowest-severity (then oldest) entries are dropped and counted. */
  async enqueue(events: readonly FileEvent[]): Promise<void> {
    const tx = this.deps.db.transaction(['outbox', 'state'], 'readwrite');
    await this.enqueueWithin(tx, events);
    await tx.done;
  }

  /**
   * Queues events inside the caller's transaction (which must include the outbox and state
   * stores), so they are queued together with whatever else it writes, or not at all.
   */
  enqueueWithin(tx: OutboxTransaction, events: readonly FileEvent[]): Promise<void> {
    return this.#queue.enqueueWithin(tx, events, this.deps.now());
  }

  countScriptMadeDropped(count: number): Promise<void> {
    return this.#queue.countScriptMadeDropped(count);
  }

  replaceQueued(event: FileEvent): Promise<boolean> {
    return this.#queue.replaceQueued(event);
  }

  depth(): Promise<number> {
    return this.#queue.depth();
  }

  deadLetterCount(): Promise<number> {
    return this.#queue.deadLetterCount();
  }

  deadLetterSummary(): Promise<{ oldestAt: number; lastError: string } | undefined> {
    return this.#queue.deadLetterSummary();
  }

  /** Puts every dead letter back in the queue (after the admin fixed the backend); returns how many. */
  requeueDeadLetters(): Promise<number> {
    return this.#queue.requeueDeadLetters(this.deps.now());
  }

  /**
   * One flush at a time per worker. Callers arriving while one runs share one more pass after it:
   * the running pass may already have read what is due, and events queued since (an upload
   * during a request) would otherwise wait for the retry alarm.
   */
  flush(options: { ignoreBackoff?: boolean } = {}): Promise<FlushResult> {
    const running = this.#flushing;
    if (!running) return this.#start(options.ignoreBackoff === true);
    if (this.#followUp) {
      this.#followUp.ignoreBackoff ||= options.ignoreBackoff === true;
      return this.#followUp.result;
    }
    const followUp = { ignoreBackoff: options.ignoreBackoff === true } as { result: Promise<FlushResult>; ignoreBackoff: boolean };
    followUp.result = running
      .catch(() => undefined)
      .then(() => {
        this.#followUp = undefined;
        return this.#flushing ?? this.#start(followUp.ignoreBackoff);
      });
    this.#followUp = followUp;
    return followUp.result;
  }

  #start(ignoreBackoff: boolean): Promise<FlushResult> {
    const run = this.#flushAll({ ignoreBackoff }).finally(() => {
      if (this.#flushing === run) this.#flushing = undefined;
    });
    this.#flushing = run;
    return run;
  }

  /** When the earliest queued entry is due (undefined when none waits): the retry is timed by it. */
  nextAttemptAt(): Promise<number | undefined> {
    return this.#queue.nextAttemptAt();
  }

  async #flushAll({ ignoreBackoff = false }: { ignoreBackoff?: boolean }): Promise<FlushResult> {
    const target = await this.deps.target();
    if (!target) return { sent: 0, remaining: await this.depth(), error: 'no backend configured' };
    const problem = backendUrlProblem(target.url);
    if (problem) {
      await this.#queue.recordFailure(problem, this.deps.now());
      return { sent: 0, remaining: await this.depth(), error: problem };
    }
    const fingerprint = await targetFingerprint(target);
    const requeued = await this.#queue.requeueDeadLettersNotFrom(fingerprint, this.deps.now());
    if (!ignoreBackoff && requeued === 0 && (await this.#backingOff())) return { sent: 0, remaining: await this.depth() };
    const perRequest = Math.min(target.maxBatchEvents, target.format.maxEventsPerRequest ?? Infinity);
    let sent = 0;
    let deadLettered = 0;
    // The backend refused the request itself (a revoked token): health would be refused the same way.
    let refused = false;
    // Events moved behind the queue in this pass: once only they are left, the pass is over.
    const moved = new Set<string>();
    for (;;) {
      const tail = await this.#queue.newestId();
      const due = await this.#queue.head(perRequest);
      if (due.length === 0 || tail === undefined) break;
      if (moved.has(due[0]!.id)) {
        const error = await this.#holdPoison(tail, moved.size, due[0]!);
        return { sent, remaining: await this.depth(), ...(deadLettered && { deadLettered }), error };
      }
      const result = await this.#deliverHead({ ...target, fingerprint, tail }, due);
      sent += result.sent;
      deadLettered += result.dead;
      refused ||= result.refused === true;
      if (result.poison) {
        await this.#queue.moveBehind(result.poison, this.deps.now());
        moved.add(result.poison.id);
        continue;
      }
      if (result.error) {
        await this.#queue.recordFailure(result.error, this.deps.now());
        return { sent, remaining: await this.depth(), ...(deadLettered && { deadLettered }), error: result.error };
      }
    }
    if (!refused) await this.#reportHealthIfChanged(target);
    return { sent, remaining: await this.depth(), ...(deadLettered && { deadLettered }) };
  }

  /**
   * The head batch: as read, unless its first event has been failed by answers that may be down to
   * content POISON_AFTER times; then in halves (the whole batch failed already), or that event alone
   * once it was isolated, so the events before a poison one are delivered and it is found. An event
   * found poison goes alone: a batch ends before it.
   */
  #deliverHead(target: FingerprintedTarget, due: OutboxEntry[]): Promise<Delivered> {
    const head = due[0]!;
    const poison = due.findIndex((entry, i) => i > 0 && (entry.serverErrorsAlone ?? 0) >= POISON_AFTER);
    const batch = limitBytes(poison < 0 ? due : due.slice(0, poison), target);
    if ((head.serverErrors ?? 0) < POISON_AFTER) return this.#deliver(target, batch);
    if (batch.length === 1 || (head.serverErrorsAlone ?? 0) > 0) return this.#deliver(target, [head], true);
    return this.#deliverHalves(target, batch, true);
  }

  /**
   * Only events moved behind the queue in this pass are left: they wait for the backoff (set again if
   * a delivery since cleared it), and the status says why they are still queued.
   */
  async #holdPoison(tail: string, count: number, head: OutboxEntry): Promise<string> {
    const backoff = await readState(this.deps.db, 'outboxBackoff');
    if (backoff?.tail !== tail) await this.#queue.backOff(tail, (failures) => backoffWait(failures, this.deps.random()), this.deps.now());
    const error = `${count} event(s) failed by the backend every time they were sent, moved behind the queue and retried: ${head.lastError ?? ''}`;
    await this.#queue.recordFailure(error, this.deps.now());
    return error.slice(0, 500);
  }

  /**
   * Whether the backend is in its backoff: a failure set one that is not over, and nothing was queued
   * since (an upload is sent at once, behind the events that waited, so a backend back up gets both).
   */
  async #backingOff(): Promise<boolean> {
    const next = await this.#queue.nextAttemptAt();
    return next !== undefined && next > this.deps.now();
  }

  /**
   * After a flush that reached the backend: health that changed since it was last delivered (a new
   * dead letter, storage trouble begun or over) goes out alone, in a batch of no events, so the
   * console learns of it without waiting for the next upload. Best effort: a refusal changes nothing.
   */
  async #reportHealthIfChanged(target: BackendTarget): Promise<void> {
    const health = await this.#health(target);
    if (!health) return;
    const key = healthKey(health);
    const reported = await readState(this.deps.db, 'reportedHealth');
    // A browser with nothing wrong that never reported makes no request of its own: its first batch says it.
    const clean = health.deadLetters.count === 0 && health.storage.trouble === undefined;
    if (key === reported || (reported === null && clean)) return;
    const headers: Record<string, string> = { 'Content-Type': target.format.contentType };
    if (target.token) headers.Authorization = target.format.authorization(target.token);
    try {
      const response = await this.deps.fetch(target.format.endpoint(target.url), {
        method: 'POST',
        headers,
        body: target.format.encode([], { health }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        credentials: 'omit',
        redirect: 'manual',
      });
      if (response.ok) await writeState(this.deps.db, 'reportedHealth', key);
    } catch {
      // Unreachable now: the next flush tries again.
    }
  }

  /**
   * Sends one batch and settles every entry in it: deleted, rescheduled, split or dead-lettered.
   * `isolate`: a failure that may be down to the content halves the batch too (in order: a half
   * that fails stops the rest), until the event behind it stands alone.
   */
  async #deliver(target: FingerprintedTarget, batch: OutboxEntry[], isolate = false): Promise<Delivered> {
    const outcome = await this.#send(target, batch);
    switch (outcome.kind) {
      case 'ok':
        await this.#queue.accepted(batch, this.deps.now());
        return { sent: batch.length, dead: 0 };
      case 'retry': {
        const content = mayBeTheContent(outcome.status);
        if (content && isolate && batch.length > 1) return this.#deliverHalves(target, batch, true);
        await this.#reschedule(target, batch, outcome.error, outcome.retryAfterMs, content);
        const alone = batch.length === 1 && content ? (batch[0]!.serverErrorsAlone ?? 0) + 1 : 0;
        return { sent: 0, dead: 0, error: outcome.error, ...(alone >= POISON_AFTER && { poison: batch[0]! }) };
      }
      case 'dead':
        // One bad event must not park the 199 good ones sent with it: halve until it stands alone.
        if (batch.length > 1 && !REFUSES_EVERY_EVENT.test(outcome.error)) return this.#deliverHalves(target, batch, isolate);
        await this.#queue.deadLetter(batch, outcome.error, this.deps.now(), target.fingerprint);
        return { sent: 0, dead: batch.length, ...(REFUSES_EVERY_EVENT.test(outcome.error) && { refused: true }) };
      case 'split': {
        if (batch.length === 1) {
          await this.#queue.deadLetter(batch, `${outcome.error} (a single event is too large for this backend)`, this.deps.now(), target.fingerprint);
          return { sent: 0, dead: 1 };
        }
        return this.#deliverHalves(target, batch, isolate);
      }
      case 'partial': {
        const retry = new Set(outcome.retry);
        // An answer naming items the batch does not have (a backend's bug) settles nothing beyond the batch.
        const dead = new Map(outcome.dead.filter((d) => d.index >= 0 && d.index < batch.length).map((d) => [d.index, d.error]));
        const accepted = batch.filter((_, i) => !retry.has(i) && !dead.has(i));
        await this.#queue.accepted(accepted, this.deps.now());
        for (const [index, error] of dead) await this.#queue.deadLetter([batch[index]!], error, this.deps.now(), target.fingerprint);
        const again = batch.filter((_, i) => retry.has(i));
        if (again.length === 0) return { sent: accepted.length, dead: dead.size };
        const error = `backend asked to retry ${again.length} of ${batch.length} events`;
        await this.#reschedule(target, again, error, outcome.retryAfterMs);
        return { sent: accepted.length, dead: dead.size, error };
      }
    }
  }

  async #deliverHalves(target: FingerprintedTarget, batch: OutboxEntry[], isolate = false): Promise<Delivered> {
    const half = Math.ceil(batch.length / 2);
    const first = await this.#deliver(target, batch.slice(0, half), isolate);
    if (first.error) return first;
    const second = await this.#deliver(target, batch.slice(half), isolate);
    return {
      sent: first.sent + second.sent,
      dead: first.dead + second.dead,
      ...((first.refused || second.refused) && { refused: true }),
      ...(second.error && { error: second.error }),
      ...(second.poison && { poison: second.poison }),
    };
  }

  async #send(target: BackendTarget, batch: OutboxEntry[]): Promise<Answered> {
    const dropped = await this.#queue.droppedSinceLastDelivery();
    const health = await this.#health(target);
    const text = target.format.encode(
      batch.map((e) => e.event),
      { ...(dropped && { droppedEvents: dropped }), ...(health && { health }) },
    );
    // The stored size of an event undercounts its body in the formats that wrap it (ECS, OCSF: about
    // twice): the policy bounds the body as sent, so a batch over it is halved before it is sent.
    const size = new TextEncoder().encode(text).length;
    if (batch.length > 1 && size > target.maxBatchBytes)
      return { kind: 'split', error: `${batch.length} events encode to ${size} bytes, over backendBatchMaxBytes` };
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
        // Followed, a 301/302/303 turns the POST into a GET whose 200 (a sign-in page) would count as
        // accepted, and a 307/308 hands the events to wherever it points: kept and retried instead.
        redirect: 'manual',
      });
      if (response.status === 415 && gzip) {
        this.#noGzip.add(endpoint);
        return this.#send(target, batch);
      }
      if (isRedirect(response)) {
        const what = response.status ? `HTTP ${response.status}, a redirect` : 'a redirect';
        return { kind: 'retry', error: `backend answered ${what}: not followed; set backendUrl to the address events should go to` };
      }
      const answer = await readBoundedText(response, MAX_ANSWER_CHARS).then(
        (a) => a.text,
        () => '',
      );
      if (response.ok) {
        await this.#noteClientIp(response, answer);
        if (health) await writeState(this.deps.db, 'reportedHealth', healthKey(health));
      }
      return { ...interpretAnswer(target, response, answer, this.deps.now(), batch.length), status: response.status };
    } catch (err) {
      return { kind: 'retry', error: `backend unreachable: ${err instanceof Error ? err.name : 'error'}` };
    }
  }

  /**
   * The health to send with a native batch. One that would not validate is left out rather than
   * sent: a backend refusing it would refuse the events with it (and split them into dead letters).
   */
  async #health(target: BackendTarget): Promise<BrowserHealth | undefined> {
    if (target.format.id !== 'native' || !this.deps.health) return undefined;
    try {
      const health = await this.deps.health();
      return BrowserHealth.safeParse(health).success ? health : undefined;
    } catch (err) {
      console.error('[upwatch] could not read the delivery health', err);
      return undefined;
    }
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

  /**
   * The entries stay where they are in the queue (their order is the order of delivery); the wait is
   * the whole queue's, longer after each failure in a row, with one jitter, or what Retry-After asked.
   * `content`: the answer may be down to what the batch held, counted on each entry (POISON_AFTER).
   */
  async #reschedule(target: FingerprintedTarget, batch: OutboxEntry[], error: string, retryAfterMs?: number, content = false): Promise<void> {
    const counted = (entry: OutboxEntry): Partial<OutboxEntry> =>
      content
        ? {
            serverErrors: (entry.serverErrors ?? 0) + 1,
            ...(batch.length === 1 && { serverErrorsAlone: (entry.serverErrorsAlone ?? 0) + 1 }),
          }
        : {};
    await this.#queue.reschedule(batch.map((entry) => ({ ...entry, attempts: entry.attempts + 1, lastError: error, ...counted(entry) })));
    await this.#queue.backOff(target.tail, (failures) => backoffWait(failures, this.deps.random(), retryAfterMs), this.deps.now());
  }
}
