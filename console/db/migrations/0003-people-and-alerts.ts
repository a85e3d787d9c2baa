/**
 * People and alerts: watchlists (Incydr's built-in set seeded here) and their members, user risk
 * profiles, legal holds, alert rules, alerts with their events and notes.
 */
import type { Kysely } from 'kysely';
import { autoIncrementKey, type Engine } from '../engine';

/** Frozen with this migration; later changes to the set come as a new migration. */
const BUILT_IN_WATCHLISTS: readonly { id: string; name: string; description: string; browserSync: boolean }[] = [
  {
    id: 'departing',
    name: 'Departing employees',
    description: 'People leaving the organisation: their last weeks are when data walks out.',
    browserSync: true,
  },
  {
    id: 'high_impact',
    name: 'High impact employees',
    description: 'People whose role or access puts the most valuable data within reach (executives, key engineers).',
    browserSync: false,
  },
  { id: 'flight_risk', name: 'Flight risk employees', description: 'People likely to leave soon, before they give notice.', browserSync: false },
  { id: 'new_hire', name: 'New hire employees', description: "Recent joiners, who may bring a previous employer's data with them.", browserSync: false },
  { id: 'contractor', name: 'Contract employees', description: 'Contractors and temporary staff with time-limited access.', browserSync: false },
  {
    id: 'elevated_access',
    name: 'Elevated access employees',
    description: 'People with privileged or administrative access to systems or data.',
    browserSync: false,
  },
  {
    id: 'performance_concerns',
    name: 'Performance concerns',
    description: 'People with performance concerns noted by their manager or HR.',
    browserSync: false,
  },
  {
    id: 'poor_security_practices',
    name: 'Poor security practices',
    description: 'People with a history of risky handling of data or of security training failures.',
    browserSync: false,
  },
];

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('watchlists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('built_in', 'integer', (c) => c.notNull())
    // 1: settings sync tells a member's browser about this membership (departing_watchlist).
    .addColumn('browser_sync', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('watchlists' as never)
    .values(
      BUILT_IN_WATCHLISTS.map((w) => ({
        id: w.id,
        name: w.name,
        description: w.description,
        built_in: 1,
        browser_sync: w.browserSync ? 1 : 0,
        created_at: 0,
        created_by: 'system',
      })) as never,
    )
    .execute();

  await db.schema
    .createTable('watchlist_members')
    .addColumn('watchlist_id', 'text', (c) => c.notNull().references('watchlists.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('departure_date', 'text')
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('watchlist_members_pk', ['watchlist_id', 'email'])
    .execute();
  await db.schema.createIndex('watchlist_members_listing').on('watchlist_members').columns(['watchlist_id', 'added_at', 'email']).execute();
  await db.schema.createIndex('watchlist_members_email').on('watchlist_members').column('email').execute();

  await db.schema
    .createTable('user_profiles')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('start_date', 'text')
    .addColumn('departure_date', 'text')
    .addColumn('manager_email', 'text')
    .addColumn('notes', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  // Active holds only: a release deletes the row (the audit log keeps the history).
  await autoIncrementKey(db.schema.createTable('legal_holds'), 'seq', engine)
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('matter', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('legal_holds_email_matter', ['email', 'matter'])
    .execute();

  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await autoIncrementKey(db.schema.createTable('alerts'), 'seq', engine)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('rule_id', 'text', (c) => c.notNull().references('alert_rules.id'))
    .addColumn('user_email', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('first_event_at', 'bigint', (c) => c.notNull())
    .addColumn('last_event_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('note_count', 'integer', (c) => c.notNull())
    .execute();
  // Ingest finds the open alerts of a batch's users whose hour an event may fall in (one probe per user).
  await db.schema.createIndex('alerts_session').on('alerts').columns(['user_email', 'last_event_at']).execute();
  await db.schema.createIndex('alerts_created').on('alerts').columns(['created_at', 'seq']).execute();
  await db.schema.createIndex('alerts_updated').on('alerts').columns(['updated_at']).execute();
  await db.schema.createIndex('alerts_user').on('alerts').columns(['user_email', 'created_at']).execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('alert_seq', 'bigint', (c) => c.notNull())
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('sort_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_events_pk', ['alert_seq', 'sort_at', 'event_seq'])
    .execute();
  // Retention removes the links of the events it deletes.
  await db.schema.createIndex('alert_events_event').on('alert_events').column('event_seq').execute();

  await autoIncrementKey(db.schema.createTable('alert_notes'), 'seq', engine)
    .addColumn('alert_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_notes_alert').on('alert_notes').columns(['alert_seq', 'seq']).execute();
}
