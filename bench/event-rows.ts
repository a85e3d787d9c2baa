/**
 * The events table's row for an event exactly as the console's ingest computes it
 * (console/events/store.ts `toRow`), as values in column order: what the benches' plain-INSERT
 * baselines write, so a new column or a changed rule reaches them without a copy to update.
 */
import { toRow } from '../console/events/store';
import type { FileEvent } from '../src/core/schema/event';

const KEYS = [
  'id',
  'observed_at',
  'received_at',
  'sort_at',
  'user_email',
  'score',
  'severity_rank',
  'destination_category',
  'service_id',
  'host',
  'file_category',
  'file_name',
  'file_extension',
  'channel',
  'trusted',
  'credential_id',
  'client_ip',
  'body',
] as const satisfies readonly (keyof ReturnType<typeof toRow>)[];

/** The columns, in the order `eventRow` gives their values. */
export const EVENT_COLUMNS = KEYS.join(', ');

export function eventRow(event: FileEvent, receivedAt: number): unknown[] {
  const row = toRow(event, { receivedAt, credentialId: 'bench', clientIp: '127.0.0.1' });
  return KEYS.map((key) => row[key]);
}
