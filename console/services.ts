/** What route handlers and jobs work with: the stores, the clock and the console's settings. */
import type { Kysely } from 'kysely';
import type { CredentialStore } from './auth/credentials';
import type { ConsoleAuth } from './auth/sign-in';
import type { ConsoleDatabase } from './db/schema';
import type { Engine } from './db/engine';
import type { EventStore } from './events/store';
import type { PolicyStore } from './policy-store';

/** What the settings sync tells one browser about its user (beyond the synced policy). */
export interface UserSyncContext {
  /** Watchlists whose membership the browser acts on (the departing_watchlist indicator). */
  watchlists: string[];
}

export interface RateLimitSettings {
  max: number;
  timeWindow: number;
}

export interface ConsoleServices {
  db: Kysely<ConsoleDatabase>;
  engine: Engine;
  credentials: CredentialStore;
  /** People's accounts, sessions and sign-in (local and OIDC). */
  auth: ConsoleAuth;
  policy: PolicyStore;
  events: EventStore;
  now: () => number;
  /** Per ingest credential; undefined turns the limit off. */
  ingestRateLimit?: RateLimitSettings & { keyGenerator: (request: { principal?: { credentialId: string } }) => string; hook: 'onRequest' };
  /** Per-user facts for settings sync; the watchlist module provides it. */
  userSyncContext: (email: string) => Promise<UserSyncContext>;
}
