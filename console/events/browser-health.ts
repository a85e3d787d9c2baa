/**
 * The latest health each browser reported with its batches (storage trouble, dead letters, queue
 * depth: src/core/schema/event.ts BrowserHealth) and the events it dropped, added up; shown per
 * person (GET /api/v1/users/{email}/browsers, the user page). Issue 15, items 3 and 4.
 *
 * A browser is known by the random id it sends in its health. One too old to send health is
 * still counted, under a key made from its credential, user and device, so its dropped events
 * are not lost either.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import type { BrowserHealth, FileEvent } from '../../src/core/schema/event';
import type { ConsoleDatabase } from '../db/schema';
import { storableText } from '../http/text';
import { userColumn } from './store';

export interface BrowserReport {
  health?: BrowserHealth;
  /** Events the browser says it dropped since its last delivered batch. */
  droppedEvents?: number;
  /** The batch's events: a browser without health is known by the first one's user and device. */
  events: readonly FileEvent[];
  /** How many of them were new: a batch sent again (all duplicates) does not count its drops twice. */
  accepted: number;
  credentialId: string;
  clientIp: string;
  receivedAt: number;
}

const time = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));

function legacyKey(credentialId: string, event: FileEvent): string {
  const who = [credentialId, event.user.email?.toLowerCase() ?? '', event.device.browser, event.device.os].join('\n');
  return `legacy:${createHash('sha256').update(who).digest('hex').slice(0, 32)}`;
}

/** Records a batch's health and drops; a batch with neither, from a browser that sends no health, changes nothing. */
export async function recordBrowserReport(db: Kysely<ConsoleDatabase>, report: BrowserReport): Promise<void> {
  const { health } = report;
  const first = report.events[0];
  const dropped = report.accepted > 0 || report.events.length === 0 ? (report.droppedEvents ?? 0) : 0;
  if (!health && (!first || dropped === 0)) return;
  const device = health?.device ?? first!.device;
  const email = userColumn(health ? health.user.email : first!.user.email);
  const seen = {
    user_email: email,
    credential_id: report.credentialId,
    client_ip: report.clientIp,
    browser: storableText(device.browser),
    browser_version: storableText(device.browserVersion),
    os: storableText(device.os),
    extension_version: storableText(device.extensionVersion),
    received_at: report.receivedAt,
  };
  const reported = health && {
    reported_at: time(health.reportedAt),
    storage_trouble: health.storage.trouble === undefined ? null : storableText(health.storage.trouble),
    storage_trouble_since: time(health.storage.troubleSince),
    storage_queue_failed: health.storage.queueFailed ? 1 : 0,
    not_kept_locally: health.storage.notKeptLocally,
    pruned_for_space: health.storage.prunedForSpace,
    dead_letters: health.deadLetters.count,
    dead_letter_oldest_at: time(health.deadLetters.oldestAt),
    dead_letter_error: health.deadLetters.lastError === undefined ? null : storableText(health.deadLetters.lastError),
    queued: health.queued,
  };
  await db
    .insertInto('browser_health')
    .values({
      browser_key: health ? health.browserId : legacyKey(report.credentialId, first!),
      ...seen,
      ...reported,
      dropped_events: dropped,
      last_dropped_at: dropped > 0 ? report.receivedAt : null,
    })
    .onConflict((oc) =>
      oc.column('browser_key').doUpdateSet({
        ...seen,
        ...reported,
        ...(dropped > 0 && { dropped_events: sql<number>`browser_health.dropped_events + ${dropped}`, last_dropped_at: report.receivedAt }),
      }),
    )
    .execute();
}

/** One browser of a person, as the API answers it. */
export const BrowserStatus = z.object({
  browser: z.string().nullable(),
  browserVersion: z.string().nullable(),
  os: z.string().nullable(),
  extensionVersion: z.string().nullable(),
  lastSeenAt: z.string().meta({ description: 'When the console last received a batch from this browser' }),
  clientIp: z.string().nullable(),
  health: z
    .object({
      reportedAt: z.string().nullable(),
      storage: z.object({
        trouble: z.string().nullable().meta({ description: 'Null when the last write on the device succeeded' }),
        troubleSince: z.string().nullable(),
        queueFailed: z.boolean().meta({ description: "The browser's queue itself failed: those events were neither forwarded nor kept" }),
        notKeptLocally: z.number(),
        prunedForSpace: z.number(),
      }),
      deadLetters: z.object({ count: z.number(), oldestAt: z.string().nullable(), lastError: z.string().nullable() }),
      queued: z.number(),
    })
    .nullable()
    .meta({ description: 'Null for a browser too old to report its health' }),
  droppedEvents: z.number().meta({ description: 'Events the browser dropped (outbox full), as its batches reported them' }),
  lastDroppedAt: z.string().nullable(),
});
export type BrowserStatus = z.infer<typeof BrowserStatus>;

const isoOf = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The browsers a person used, the one heard from last first. */
export async function browsersOf(db: Kysely<ConsoleDatabase>, email: string, limit = 50): Promise<BrowserStatus[]> {
  const rows = await db
    .selectFrom('browser_health')
    .selectAll()
    .where('user_email', '=', email.toLowerCase())
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    browser: r.browser,
    browserVersion: r.browser_version,
    os: r.os,
    extensionVersion: r.extension_version,
    lastSeenAt: isoOf(r.received_at)!,
    clientIp: r.client_ip,
    health:
      r.reported_at === null
        ? null
        : {
            reportedAt: isoOf(r.reported_at),
            storage: {
              trouble: r.storage_trouble,
              troubleSince: isoOf(r.storage_trouble_since),
              queueFailed: Number(r.storage_queue_failed) === 1,
              notKeptLocally: Number(r.not_kept_locally ?? 0),
              prunedForSpace: Number(r.pruned_for_space ?? 0),
            },
            deadLetters: { count: Number(r.dead_letters ?? 0), oldestAt: isoOf(r.dead_letter_oldest_at), lastError: r.dead_letter_error },
            queued: Number(r.queued ?? 0),
          },
    droppedEvents: Number(r.dropped_events),
    lastDroppedAt: isoOf(r.last_dropped_at),
  }));
}
