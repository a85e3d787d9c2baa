/**
 * Retention: events the console received longer ago than the retention setting are deleted, with
 * their indicator rows and alert links, except those of people under legal hold. The age is the
 * receipt time, not the browser's observed time: a laptop that was offline for a month still gets
 * the full retention for what it sends, and a forged observedAt cannot get an event purged early.
 *
 * The job runs at start and then every hour. It deletes in small transactions and yields between
 * them, so a large purge (after lowering the setting) never holds the database for long. Runs of
 * one console never overlap; each run that deleted something writes one audit entry. On PostgreSQL
 * whole months of events are dropped as partitions first (./partitions.ts), and the run makes the
 * partitions of the months ahead. Browsers not heard from within the same window are forgotten
 * too (./browser-health.ts), and audited in an entry of their own.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit';
import type { Principal } from '../auth/roles';
import type { ConsoleDatabase } from '../db/schema';
import { runExclusive } from '../db/job-lock';
import { pruneExposureBefore } from '../events/exposure';
import { purgeBrowsersBefore } from './browser-health';
import { dropExpiredMonths, makePartitionsAhead } from './partitions';
import type { ConsoleServices } from '../services';

export const DEFAULT_RETENTION_DAYS = 180;
export const RetentionDays = z.number().int().min(1).max(3650);
const SETTING_KEY = 'retention_days';
const DAY_MS = 86_400_000;
export const RETENTION_INTERVAL_MS = 60 * 60_000;
/** Events per delete transaction: small enough that other writers wait only milliseconds. */
const CHUNK = 500;

export interface RetentionRun {
  at: string;
  days: number;
  cutoff: string;
  deleted: number;
  /** Browsers (browser_health rows) last heard from before the cutoff, forgotten. */
  browsersDeleted: number;
}

interface JobState {
  tail: Promise<void>;
  stopped: boolean;
  timer?: NodeJS.Timeout;
  lastRun: RetentionRun | null;
}

const states = new WeakMap<ConsoleServices, JobState>();
function stateOf(services: ConsoleServices): JobState {
  let state = states.get(services);
  if (!state) states.set(services, (state = { tail: Promise.resolve(), stopped: false, lastRun: null }));
  return state;
}

export function lastRetentionRun(services: ConsoleServices): RetentionRun | null {
  return stateOf(services).lastRun;
}

export async function retentionDays(db: Kysely<ConsoleDatabase>): Promise<number> {
  const row = await db.selectFrom('console_settings').select('value').where('key', '=', SETTING_KEY).executeTakeFirst();
  const parsed = RetentionDays.safeParse(row ? Number(row.value) : undefined);
  return parsed.success ? parsed.data : DEFAULT_RETENTION_DAYS;
}

export async function setRetentionDays(db: Kysely<ConsoleDatabase>, days: number, principal: Principal, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await retentionDays(trx);
    const value = String(days);
    await trx
      .insertInto('console_settings')
      .values({ key: SETTING_KEY, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
    await recordAudit(trx, { actor: principal, action: 'retention.updated', target: 'retention', before: { days: before }, after: { days } }, now);
  });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function purge(services: ConsoleServices, state: JobState, askedWhileOpen: boolean): Promise<RetentionRun> {
  if (!askedWhileOpen) throw new Error('the console is closing: retention does not run');
  const { db } = services;
  const now = services.now();
  const days = await retentionDays(db);
  const cutoff = now - days * DAY_MS;
  // One node at a time (console/db/job-lock.ts); a node that finds the job running elsewhere skips.
  const exclusive = await runExclusive(db as Kysely<unknown>, services.engine, 'retention', () => purgeBefore(services, state, now, days, cutoff));
  return exclusive.ran ? exclusive.value : { at: new Date(now).toISOString(), days, cutoff: new Date(cutoff).toISOString(), deleted: 0, browsersDeleted: 0 };
}

async function purgeBefore(services: ConsoleServices, state: JobState, now: number, days: number, cutoff: number): Promise<RetentionRun> {
  const { db } = services;
  let deleted = 0;
  // PostgreSQL: whole months go as tables first (./partitions.ts); the rows below delete the rest.
  let busy: { from: number; to: number }[] = [];
  if (services.engine === 'postgres') {
    await makePartitionsAhead(db, now);
    const months = await dropExpiredMonths(db, cutoff, () => state.stopped);
    deleted += months.dropped;
    busy = months.busy;
  }
  let after: { at: number; seq: number } | undefined;
  // A run under way deletes at least its first chunk; closing the console stops it between chunks.
  for (let first = true; first || !state.stopped; first = false) {
    const chunk = await db.transaction().execute(async (trx) => {
      // Chosen inside the transaction that deletes them, so a hold placed meanwhile always wins.
      let q = trx
        .selectFrom('events')
        .select(['seq', 'received_at', 'id'])
        .where('received_at', '<', cutoff)
        .where((eb) => eb.or([eb('user_email', 'is', null), eb('user_email', 'not in', eb.selectFrom('legal_holds').select('email'))]))
        .orderBy('received_at')
        .orderBy('seq')
        .limit(CHUNK);
      // Held events stay in the range: start after the last chunk instead of scanning them again.
      // A month too busy to drop now is dropped whole by a later run, not deleted row by row.
      for (const month of busy) q = q.where((eb) => eb.or([eb('received_at', '<', month.from), eb('received_at', '>=', month.to)]));
      const from = after;
      if (from) q = q.where((eb) => eb.or([eb('received_at', '>', from.at), eb.and([eb('received_at', '=', from.at), eb('seq', '>', from.seq)])]));
      const rows = await q.execute();
      const seqs = rows.map((r) => Number(r.seq));
      if (seqs.length) {
        await trx.deleteFrom('event_indicators').where('event_seq', 'in', seqs).execute();
        await trx.deleteFrom('alert_events').where('event_seq', 'in', seqs).execute();
        await trx.deleteFrom('events').where('seq', 'in', seqs).execute();
        if (services.engine === 'postgres')
          await trx
            .deleteFrom('event_ids')
            .where(
              'id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
      }
      return rows;
    });
    deleted += chunk.length;
    const last = chunk.at(-1);
    if (!last || chunk.length < CHUNK) break;
    after = { at: Number(last.received_at), seq: Number(last.seq) };
    await nextTurn();
  }
  const browsersDeleted = await purgeBrowsersBefore(db, cutoff, () => state.stopped);
  const run: RetentionRun = { at: new Date(now).toISOString(), days, cutoff: new Date(cutoff).toISOString(), deleted, browsersDeleted };
  await db.transaction().execute(async (trx) => {
    // The exposure aggregates age out with the events; a held person's own figures stay.
    const held = await trx.selectFrom('legal_holds').select('email').distinct().execute();
    await pruneExposureBefore(
      trx,
      cutoff,
      held.map((h) => h.email),
    );
    if (deleted > 0)
      await recordAudit(trx, { actor: 'system', action: 'retention.purged', target: 'events', after: { deleted, days, cutoff: run.cutoff } }, now);
    if (browsersDeleted > 0)
      await recordAudit(
        trx,
        { actor: 'system', action: 'retention.purged', target: 'browser_health', after: { deleted: browsersDeleted, days, cutoff: run.cutoff } },
        now,
      );
  });
  state.lastRun = run;
  return run;
}

/** One retention run now, after any run already under way (tests call this directly). */
export function runRetention(services: ConsoleServices): Promise<RetentionRun> {
  const state = stateOf(services);
  // A run asked for before the console began to close is under way (queued behind another):
  // closing waits for it. On PostgreSQL the start-up run can still be going when that happens.
  const askedWhileOpen = !state.stopped;
  const run = state.tail.then(() => purge(services, state, askedWhileOpen));
  state.tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/** Runs retention at start and every hour; closing the app stops the timer and waits for a run under way. */
export function startRetentionJob(app: FastifyInstance, services: ConsoleServices): void {
  const state = stateOf(services);
  const runLogged = () => {
    runRetention(services).catch((err: unknown) => app.log.error({ err }, 'retention run failed'));
  };
  runLogged();
  state.timer = setInterval(runLogged, RETENTION_INTERVAL_MS);
  state.timer.unref();
  // preClose: before the database is closed (onClose hooks, where it is, run later).
  app.addHook('preClose', async () => {
    state.stopped = true;
    clearInterval(state.timer);
    await state.tail;
  });
}
