/**
 * Outbound alert notifications and the alert change sequence.
 *
 * - `alert_change_counter`: one row whose value is the last change sequence number given out. Every
 *   transaction that changes alerts bumps it first, so on PostgreSQL its row lock puts alert changes
 *   in commit order (a sequence would not: a lower number can commit after a higher one has been
 *   read, and a poller past it would skip it). SQLite has one writer at a time anyway.
 * - `alerts.change_seq` (the alert's latest change) and `alerts.created_seq` (its creation): what
 *   `GET /api/v1/alerts?changedAfter=` / `?createdAfter=` page by, oldest first.
 * - `notification_channels`: where notifications go (admin-configured; the secret is write-only).
 * - `notification_outbox`: one row per (alert change, channel), written in the alert change's
 *   transaction; the worker sends it, retries it with backoff, or moves it to `dead`.
 */
import { sql, type Kysely } from 'kysely';
import { autoIncrementKey, type Engine } from '../engine';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('alert_change_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('alerts').addColumn('change_seq', 'bigint').execute();
  await db.schema.alterTable('alerts').addColumn('created_seq', 'bigint').execute();
  // Alerts from before this migration: their insert order is their change order.
  await sql`UPDATE alerts SET change_seq = seq, created_seq = seq`.execute(db);
  await sql`INSERT INTO alert_change_counter (id, value) SELECT 1, COALESCE(MAX(seq), 0) FROM alerts`.execute(db);
  await db.schema.createIndex('alerts_change_seq').on('alerts').column('change_seq').unique().execute();
  await db.schema.createIndex('alerts_created_seq').on('alerts').column('created_seq').execute();

  await db.schema
    .createTable('notification_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // JSON: '*' or a list of rule ids.
    .addColumn('rules', 'text', (c) => c.notNull())
    // JSON: the alert change kinds that notify.
    .addColumn('on_changes', 'text', (c) => c.notNull())
    // JSON of the channel's settings (URL, recipients, template, SMTP server); no secret in it.
    .addColumn('config', 'text', (c) => c.notNull())
    // HMAC key, XSOAR username:password or SMTP password; never answered by the API.
    .addColumn('secret', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await autoIncrementKey(db.schema.createTable('notification_outbox'), 'seq', engine)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('alert_seq', 'bigint', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    // JSON list of what changed: created, events_added, state_changed, assigned, noted.
    .addColumn('change_kinds', 'text', (c) => c.notNull())
    // JSON of the alert as it was after the change (what the notification tells).
    .addColumn('snapshot', 'text', (c) => c.notNull())
    // One notification per (alert change, channel): receivers dedupe on it.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    // pending | sent | dead
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  // The worker's probe: due pending rows, soonest first.
  await db.schema.createIndex('notification_outbox_due').on('notification_outbox').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('notification_outbox_listing').on('notification_outbox').columns(['state', 'seq']).execute();
}
