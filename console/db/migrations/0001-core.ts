/** Events with their search columns, credentials, the append-only audit log, console settings. */
import { sql, type Kysely } from 'kysely';
import { autoIncrementKey, type Engine } from '../engine';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await autoIncrementKey(db.schema.createTable('events'), 'seq', engine)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('observed_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('sort_at', 'bigint', (c) => c.notNull())
    .addColumn('user_email', 'text')
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('destination_category', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text')
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('file_category', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_extension', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('trusted', 'integer', (c) => c.notNull())
    .addColumn('credential_id', 'text')
    .addColumn('client_ip', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  // Every listing is newest first by (sort_at, seq); each filter gets an index that serves it in
  // that order, so the first page of a filtered search reads only the rows it returns.
  await db.schema.createIndex('events_sort').on('events').columns(['sort_at', 'seq']).execute();
  for (const column of ['user_email', 'severity_rank', 'destination_category', 'service_id', 'host', 'file_category', 'channel', 'file_extension']) {
    await db.schema.createIndex(`events_${column}_sort`).on('events').columns([column, 'sort_at', 'seq']).execute();
  }
  await db.schema.createIndex('events_received').on('events').columns(['received_at', 'seq']).execute();

  await db.schema
    .createTable('event_indicators')
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('indicator', 'text', (c) => c.notNull())
    .addColumn('sort_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_indicators_pk', ['indicator', 'sort_at', 'event_seq'])
    .execute();
  await db.schema.createIndex('event_indicators_event').on('event_indicators').column('event_seq').execute();

  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await autoIncrementKey(db.schema.createTable('audit_log'), 'seq', engine)
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  // Append-only, enforced by the database as well as by the API having no route that edits it.
  if (engine === 'sqlite') {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
  } else {
    await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  }

  await db.schema
    .createTable('console_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
