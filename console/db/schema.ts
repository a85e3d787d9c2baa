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
  /** The credential (ingest token) that delivered the event. */
  credential_id: string | null;
  client_ip: string | null;
  body: string;
}

export interface EventIndicatorsTable {
  event_seq: number;
  indicator: string;
  sort_at: number;
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

export interface ExposureIndicatorDailyTable {
  day: number;
  indicator: string;
  events: number;
  score_sum: number;
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
  exposure_indicator_daily: ExposureIndicatorDailyTable;
}

export type EventRow = Selectable<EventsTable>;
export type CredentialRow = Selectable<CredentialsTable>;
export type AuditRow = Selectable<AuditLogTable>;
