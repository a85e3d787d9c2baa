/**
 * Sends the outbox's due notifications. A 2xx (or an accepted e-mail) marks one sent; a network
 * error, a timeout, 408, 409, 429 or 5xx (an SMTP 4xx) schedules another attempt with exponential
 * backoff and jitter (30 s doubling, at most 1 h, Retry-After honoured); any other 4xx (an SMTP 5xx)
 * is a permanent refusal, and so is the 10th failure: the row goes to `dead`, where
 * `GET /api/v1/notifications?state=dead` shows it and `POST /api/v1/notifications/{id}/retry` sends
 * it again. Rows are marked after the receiver answered: a crash in between sends it again (the
 * idempotency key lets the receiver tell).
 *
 * One pass at a time per console; the loop runs every 5 s on an unref'd timer, by `services.now`,
 * and stops (waiting for a pass under way) when the app closes.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { runExclusive } from '../db/job-lock';
import { interpretHttp } from '../../src/core/formats/wire-format';
import type { ConsoleServices } from '../services';
import { toChannel, type Channel, type SmtpSettings } from './channels';
import { loadContext } from './context';
import { sendMail, smtpFromEnv } from './email';
import { httpRequestFor } from './payloads';

export type Delivery = { kind: 'ok' } | { kind: 'retry'; error: string; retryAfterMs?: number } | { kind: 'dead'; error: string };

export const MAX_ATTEMPTS = 10;
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_CAP_MS = 60 * 60_000;
export const WORKER_INTERVAL_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const ROWS_PER_QUERY = 50;
/** Rows one pass sends at most, so a backlog never holds a pass (and app close) for long. */
const ROWS_PER_PASS = 500;

export interface NotifierOptions {
  /** The console's address as people reach it: the base of the alert links. */
  publicUrl: string;
  /** The SMTP server for e-mail channels without their own. */
  smtp?: SmtpSettings & { password?: string };
  /** 0 ≤ x < 1; tests fix it. */
  random: () => number;
  /** false: the timer sends nothing, only runNotificationWorker does (tests that count each pass). */
  automatic: boolean;
}

interface WorkerState {
  options: NotifierOptions;
  tail: Promise<unknown>;
  /** Passes asked for and not finished: the timer adds none while one is under way. */
  queued: number;
  stopped: boolean;
  timer?: NodeJS.Timeout;
}

const states = new WeakMap<ConsoleServices, WorkerState>();
function stateOf(services: ConsoleServices): WorkerState {
  let state = states.get(services);
  if (!state) {
    const smtp = smtpFromEnv();
    const options: NotifierOptions = {
      publicUrl: process.env.UPWATCH_PUBLIC_URL ?? 'http://127.0.0.1:8787',
      random: Math.random,
      automatic: true,
      ...(smtp && { smtp }),
    };
    states.set(services, (state = { options, tail: Promise.resolve(), queued: 0, stopped: false }));
  }
  return state;
}

/** Overrides the settings taken from the environment (tests; a future settings page). */
export function configureNotifications(services: ConsoleServices, options: Partial<NotifierOptions>): void {
  const state = stateOf(services);
  state.options = { ...state.options, ...options };
}

/** Full jitter over the upper half: between half and all of min(cap, base · 2^(attempt−1)). */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

async function deliverHttp(services: ConsoleServices, ctx: Awaited<ReturnType<typeof loadContext>>, channel: Channel): Promise<Delivery> {
  const request = httpRequestFor(ctx, channel, services.now());
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    return {
      kind: 'retry',
      error: `no answer: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`.slice(0, 500),
    };
  }
  // The body is not needed; reading a little lets the connection be reused, and the error say why.
  const detail = response.ok ? '' : (await response.text().catch(() => '')).slice(0, 200);
  if (!response.ok) await response.body?.cancel().catch(() => undefined);
  const outcome = interpretHttp(response.status, response.headers.get('retry-after'), services.now(), detail);
  if (outcome.kind === 'ok') return outcome;
  if (outcome.kind === 'retry') return outcome;
  // 413 (one notification is never split) and redirects (never followed: a moved URL is reconfigured) are refusals.
  if (response.status >= 300 && response.status < 400) return { kind: 'dead', error: `receiver answered HTTP ${response.status} (redirects are not followed)` };
  return { kind: 'dead', error: 'error' in outcome ? outcome.error : `HTTP ${response.status}` };
}

type OutboxRow = Awaited<ReturnType<typeof dueRows>>[number];
function dueRows(services: ConsoleServices, now: number) {
  return services.db
    .selectFrom('notification_outbox')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('seq')
    .limit(ROWS_PER_QUERY)
    .execute();
}

async function deliver(services: ConsoleServices, state: WorkerState, row: OutboxRow, channels: Map<string, Channel | null>): Promise<Delivery> {
  if (!channels.has(row.channel_id)) {
    const found = await services.db.selectFrom('notification_channels').selectAll().where('id', '=', row.channel_id).executeTakeFirst();
    channels.set(row.channel_id, found ? toChannel(found) : null);
  }
  const channel = channels.get(row.channel_id);
  if (!channel) return { kind: 'dead', error: `channel ${row.channel_id} was deleted` };
  if (!channel.enabled) return { kind: 'dead', error: `channel ${row.channel_id} is disabled` };
  try {
    const ctx = await loadContext(services, row, state.options.publicUrl);
    return channel.config.kind === 'email' ? await sendMail(ctx, channel, state.options.smtp) : await deliverHttp(services, ctx, channel);
  } catch (err) {
    return { kind: 'retry', error: `could not build the notification: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500) };
  }
}

async function pass(services: ConsoleServices, state: WorkerState): Promise<{ sent: number; retried: number; dead: number }> {
  const counts = { sent: 0, retried: 0, dead: 0 };
  const channels = new Map<string, Channel | null>();
  const seen = new Set<string>();
  while (!state.stopped && seen.size < ROWS_PER_PASS) {
    const rows = (await dueRows(services, services.now())).filter((r) => !seen.has(r.id));
    if (!rows.length) break;
    for (const row of rows) {
      if (state.stopped) break;
      seen.add(row.id);
      const outcome = await deliver(services, state, row, channels);
      const now = services.now();
      const attempts = Number(row.attempts) + 1;
      if (outcome.kind === 'ok') {
        counts.sent++;
        await services.db
          .updateTable('notification_outbox')
          .set({ state: 'sent', attempts, sent_at: now, updated_at: now, last_error: null })
          .where('id', '=', row.id)
          .execute();
      } else if (outcome.kind === 'dead' || attempts >= MAX_ATTEMPTS) {
        counts.dead++;
        const error = outcome.kind === 'dead' ? outcome.error : `gave up after ${attempts} attempts: ${outcome.error}`;
        await services.db
          .updateTable('notification_outbox')
          .set({ state: 'dead', attempts, updated_at: now, last_error: error })
          .where('id', '=', row.id)
          .execute();
      } else {
        counts.retried++;
        const wait = Math.min(BACKOFF_CAP_MS, Math.max(backoffMs(attempts, state.options.random), outcome.retryAfterMs ?? 0));
        await services.db
          .updateTable('notification_outbox')
          .set({ attempts, next_attempt_at: now + wait, updated_at: now, last_error: outcome.error })
          .where('id', '=', row.id)
          .execute();
      }
    }
  }
  return counts;
}

/** One pass over the due notifications now, after any pass under way (tests call this directly). */
export function runNotificationWorker(services: ConsoleServices): Promise<{ sent: number; retried: number; dead: number }> {
  const state = stateOf(services);
  state.queued++;
  // One node at a time sends (console/db/job-lock.ts): a node that finds another sending skips its pass.
  const none = { sent: 0, retried: 0, dead: 0 };
  const run = state.tail
    .then(() =>
      state.stopped ? { ran: false as const } : runExclusive(services.db as Kysely<unknown>, services.engine, 'notifications', () => pass(services, state)),
    )
    .then((done) => (done.ran ? done.value : none))
    .finally(() => state.queued--);
  state.tail = run.catch(() => undefined);
  return run;
}

export function startNotificationWorker(app: FastifyInstance, services: ConsoleServices): void {
  const state = stateOf(services);
  state.timer = setInterval(() => {
    if (state.queued > 0 || !state.options.automatic) return;
    runNotificationWorker(services).catch((err: unknown) => app.log.error({ err }, 'notification pass failed'));
  }, WORKER_INTERVAL_MS);
  state.timer.unref();
  app.addHook('preClose', async () => {
    state.stopped = true;
    clearInterval(state.timer);
    await state.tail;
  });
}
