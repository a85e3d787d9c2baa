/**
 * The console's tables, typed for Kysely. One interface per table; migrations in ./migrations
 * create them. Times are integer milliseconds since the epoch (UTC): compact, fast to compare and
 * the same on SQLite and PostgreSQL. JSON columns hold text.
 */
import type { Generated, Selectable } from 'kysely';

export interface EventsTable {
  /** Insert order; the tie-breaker of every listing and the cursor's second half. */
  seq: Generated<number>;
  id: string;
  observed_at: number;
  received_at: number;
  /** The observed time, clamped to the receipt time + allowed skew: what listings sort by. */
  sort_at: number;
  user_email: string | null;
  score: number;
  severity_rank: number;
  destination_category: string;
  service_id: string | null;
  host: string;
  file_category: string;
  /** Lower-cased, for substring search. */
  file_name: string;
  file_extension: string;
  channel: string;
  trusted: number;
  /** What a response rule did (`response.outcome`); null when none acted (migration 0013). */
  response_outcome: string | null;
  /** The credential (ingest token) that delivered the event. */
  credential_id: string | null;
  client_ip: string | null;
  body: string;
}

export interface EventIndicatorsTable {
  event_seq: number;
  indicator: string;
  sort_at: number;
  /** PostgreSQL only (migration 0009): the event's, the key its partition is chosen by. */
  received_at?: number;
}

/** PostgreSQL only (migration 0009): where an event id is unique, since `events` is partitioned. */
export interface EventIdsTable {
  id: string;
  received_at: number;
}

export interface CredentialsTable {
  id: string;
  name: string;
  role: string;
  /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
  secret_hash: string;
  /** The first characters of the secret, so people can tell keys apart. */
  prefix: string;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

export interface ConsoleSettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

/** Watchlists, members, profiles, legal holds, alerts: migration 0003. Dates without a time are YYYY-MM-DD text. */
export interface WatchlistsTable {
  id: string;
  name: string;
  description: string;
  built_in: number;
  /** 1: settings sync tells a member's browser it is on this watchlist. */
  browser_sync: number;
  created_at: number;
  created_by: string;
}

export interface WatchlistMembersTable {
  watchlist_id: string;
  email: string;
  notes: string | null;
  departure_date: string | null;
  added_at: number;
  added_by: string;
  updated_at: number;
}

export interface UserProfilesTable {
  email: string;
  start_date: string | null;
  departure_date: string | null;
  manager_email: string | null;
  notes: string | null;
  updated_at: number;
  updated_by: string;
}

export interface LegalHoldsTable {
  seq: Generated<number>;
  email: string;
  matter: string;
  created_at: number;
  created_by: string;
}

export interface AlertRulesTable {
  id: string;
  name: string;
  enabled: number;
  /** JSON of AlertConditions. */
  conditions: string;
  created_at: number;
  created_by: string;
  updated_at: number;
}

export interface AlertsTable {
  seq: Generated<number>;
  id: string;
  rule_id: string;
  user_email: string | null;
  state: string;
  severity_rank: number;
  event_count: number;
  first_event_at: number;
  last_event_at: number;
  created_at: number;
  updated_at: number;
  assignee: string | null;
  note_count: number;
  /** The alert's latest change and its creation, in the alert change sequence (migration 0005). */
  change_seq: number | null;
  created_seq: number | null;
}

export interface AlertEventsTable {
  alert_seq: number;
  event_seq: number;
  sort_at: number;
}

export interface AlertNotesTable {
  seq: Generated<number>;
  alert_seq: number;
  at: number;
  author: string;
  text: string;
}

/** Events per UTC hour (of sort_at) and severity: the exposure time series. */
export interface ExposureHourlyTable {
  hour: number;
  severity_rank: number;
  events: number;
}

/** Per UTC day (of sort_at) and user ('' when the event named none): the exposure top users. */
export interface ExposureUserDailyTable {
  day: number;
  user_email: string;
  events: number;
  score_sum: number;
  max_severity_rank: number;
}

/** Per UTC day and destination: its catalog service (kind 'service') or else its host (kind 'host'). */
export interface ExposureDestinationDailyTable {
  day: number;
  kind: string;
  destination: string;
  category: string;
  events: number;
  score_sum: number;
  max_severity_rank: number;
}

/** A daily table's rows per Monday-to-Sunday UTC week instead: a long range sums weeks, and days only at its ends. */
type Weekly<Daily extends { day: number }> = Omit<Daily, 'day'> & { week: number };
export type ExposureUserWeeklyTable = Weekly<ExposureUserDailyTable>;
export type ExposureDestinationWeeklyTable = Weekly<ExposureDestinationDailyTable>;

export interface ExposureIndicatorDailyTable {
  day: number;
  indicator: string;
  events: number;
  score_sum: number;
}

/** Accounts of people who sign in, their sessions and sign-in throttling: migration 0004. */
export interface AccountsTable {
  id: string;
  /** Lower-case. */
  email: string;
  name: string | null;
  role: string;
  /** 'local' or 'oidc'. */
  kind: string;
  /** scrypt, with its parameters and salt (see auth/passwords.ts); null for OIDC accounts. */
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  last_sign_in_at: number | null;
  disabled_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's value, hex. */
  id_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  client_ip: string | null;
}

export interface SignInFailuresTable {
  key: string;
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

export interface OidcSignInsTable {
  browser_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
}

/** Outbound notifications: migration 0005. */
export interface AlertChangeCounterTable {
  id: number;
  value: number;
}

export interface NotificationChannelsTable {
  id: string;
  name: string;
  kind: string;
  enabled: number;
  /** JSON: '*' or rule ids. */
  rules: string;
  /** JSON: alert change kinds. */
  on_changes: string;
  config: string;
  secret: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
}

export interface NotificationOutboxTable {
  seq: Generated<number>;
  id: string;
  channel_id: string;
  alert_seq: number;
  change_seq: number;
  change_kinds: string;
  snapshot: string;
  idempotency_key: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

/** Requests per rate-limit key in its current window, shared by the nodes on PostgreSQL: migration 0007. */
export interface RateLimitsTable {
  key: string;
  window_start: number;
  hits: number;
}

/** The latest health each browser reported, and its dropped events added up: migration 0011 (console/events/browser-health.ts). */
export interface BrowserHealthTable {
  browser_key: string;
  user_email: string | null;
  credential_id: string | null;
  client_ip: string | null;
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  extension_version: string | null;
  received_at: number;
  reported_at: number | null;
  storage_trouble: string | null;
  storage_trouble_since: number | null;
  storage_queue_failed: Generated<number>;
  not_kept_locally: number | null;
  pruned_for_space: number | null;
  dead_letters: number | null;
  dead_letter_oldest_at: number | null;
  dead_letter_error: string | null;
  queued: number | null;
  dropped_events: Generated<number>;
  last_dropped_at: number | null;
}

export interface ConsoleDatabase {
  events: EventsTable;
  event_indicators: EventIndicatorsTable;
  credentials: CredentialsTable;
  audit_log: AuditLogTable;
  console_settings: ConsoleSettingsTable;
  exposure_hourly: ExposureHourlyTable;
  exposure_user_daily: ExposureUserDailyTable;
  exposure_destination_daily: ExposureDestinationDailyTable;
  exposure_user_weekly: ExposureUserWeeklyTable;
  exposure_destination_weekly: ExposureDestinationWeeklyTable;
  exposure_indicator_daily: ExposureIndicatorDailyTable;
  /** PostgreSQL only (migration 0009): sums appended at ingest, folded into the aggregates after. */
  exposure_hourly_delta: ExposureHourlyTable;
  exposure_user_daily_delta: ExposureUserDailyTable;
  exposure_destination_daily_delta: ExposureDestinationDailyTable;
  exposure_user_weekly_delta: ExposureUserWeeklyTable;
  exposure_destination_weekly_delta: ExposureDestinationWeeklyTable;
  exposure_indicator_daily_delta: ExposureIndicatorDailyTable;
  event_ids: EventIdsTable;
  watchlists: WatchlistsTable;
  watchlist_members: WatchlistMembersTable;
  user_profiles: UserProfilesTable;
  legal_holds: LegalHoldsTable;
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  alert_notes: AlertNotesTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  oidc_sign_ins: OidcSignInsTable;
  alert_change_counter: AlertChangeCounterTable;
  notification_channels: NotificationChannelsTable;
  notification_outbox: NotificationOutboxTable;
  rate_limits: RateLimitsTable;
  browser_health: BrowserHealthTable;
}

export type EventRow = Selectable<EventsTable>;
export type CredentialRow = Selectable<CredentialsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type AccountRow = Selectable<AccountsTable>;
