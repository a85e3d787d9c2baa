/**
 * People who sign in to the console: accounts (local with a password, or from OIDC single sign-on),
 * their sessions, the failed sign-in counters that throttle guessing, and the OIDC sign-ins under
 * way (state, nonce and PKCE verifier between the redirect to the identity provider and its return).
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Lower-case: one account per address however it is typed.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    // 'local' (password) or 'oidc' (single sign-on).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('oidc_issuer', 'text')
    .addColumn('oidc_subject', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'bigint')
    .addColumn('disabled_at', 'bigint')
    .execute();
  await db.schema.createIndex('accounts_created').on('accounts').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('accounts_oidc').on('accounts').columns(['oidc_issuer', 'oidc_subject']).execute();

  await db.schema
    .createTable('sessions')
    // SHA-256 of the cookie's random id: a copy of the database signs nobody in.
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('client_ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();
  await db.schema.createIndex('sessions_last_seen').on('sessions').column('last_seen_at').execute();

  await db.schema
    .createTable('sign_in_failures')
    // `account:<email>` or `ip:<address>`.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_failures_last').on('sign_in_failures').column('last_failure_at').execute();

  await db.schema
    .createTable('oidc_sign_ins')
    // SHA-256 of the random value in the browser's short-lived cookie: the return must come to the
    // browser that left, so nobody can hand a victim a callback URL that signs them in as somebody else.
    .addColumn('browser_hash', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oidc_sign_ins_created').on('oidc_sign_ins').column('created_at').execute();
}
