/**
 * Export of a whole search as CSV or NDJSON, produced page by page (500 rows by keyset) as the
 * reader takes it: never the whole result in memory, and nothing read ahead of a slow client.
 * The export is a snapshot: events arriving while it streams are not in it. It lists the events in
 * the search's order (`order`: newest first by default, oldest, or riskiest), as the search shows them.
 *
 * CSV columns (fixed; RFC 4180 quoting, CRLF line ends, a header row):
 * id, observedAt, receivedAt, user, severity, score, indicators (ids joined by `;`), channel,
 * fileName, extension, fileCategory, size, mismatch, destinationCategory, service, host, url,
 * trusted, credential (the ingest token's name), clientIp, and what a response rule did (empty when
 * none acted): responseAction, responseOutcome, responseRule, justification.
 * A cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, so a
 * spreadsheet shows it as text instead of running it as a formula (CSV injection).
 */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { ConsoleDatabase } from '../db/schema';
import { searchEvents, type EventFilters, type SearchOrder, type SearchPosition } from './search';
import type { ApiEvent, EventStore } from './store';

export const EXPORT_PAGE_ROWS = 500;
export type ExportFormat = 'csv' | 'ndjson';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

type Cell = string | number | boolean | null | undefined;

export const CSV_COLUMNS: readonly (readonly [string, (e: ApiEvent) => Cell])[] = [
  ['id', (e) => e.id],
  ['observedAt', (e) => e.observedAt],
  ['receivedAt', (e) => e.received.at],
  ['user', (e) => e.user.email ?? e.user.id],
  ['severity', (e) => e.risk.severity],
  ['score', (e) => e.risk.score],
  ['indicators', (e) => e.risk.indicators.map((i) => i.id).join(';')],
  ['channel', (e) => e.channel],
  ['fileName', (e) => e.file.name],
  ['extension', (e) => e.file.extension],
  ['fileCategory', (e) => e.file.category],
  ['size', (e) => e.file.size],
  ['mismatch', (e) => e.file.mismatch],
  ['destinationCategory', (e) => e.destination.category],
  ['service', (e) => e.destination.serviceId],
  ['host', (e) => e.destination.host],
  ['url', (e) => e.destination.url],
  ['trusted', (e) => e.destination.trusted],
  ['credential', (e) => e.received.credential],
  ['clientIp', (e) => e.received.clientIp],
  ['responseAction', (e) => e.response?.action],
  ['responseOutcome', (e) => e.response?.outcome],
  ['responseRule', (e) => e.response?.ruleId],
  ['justification', (e) => e.response?.justification],
];

/** Characters that make a spreadsheet read a cell as a formula (OWASP: CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;

export function formatEvent(event: ApiEvent, format: ExportFormat): string {
  return format === 'csv' ? csvLine(CSV_COLUMNS.map(([, get]) => get(event))) : `${JSON.stringify(event)}\n`;
}

/** The export's text, one chunk per page, produced only when the reader asks for more. */
export async function* exportChunks(
  db: Kysely<ConsoleDatabase>,
  events: EventStore,
  filters: EventFilters,
  format: ExportFormat,
  order: SearchOrder = 'newest',
): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(CSV_COLUMNS.map(([name]) => name));
  let after: SearchPosition | undefined;
  do {
    const page = await searchEvents(db, filters, EXPORT_PAGE_ROWS, after, order);
    if (page.rows.length) yield (await events.toApiEvents(page.rows)).map((e) => formatEvent(e, format)).join('');
    after = page.next;
  } while (after);
}

/** A byte stream over exportChunks: its small buffer is what gives the client backpressure. */
export function exportStream(db: Kysely<ConsoleDatabase>, events: EventStore, filters: EventFilters, format: ExportFormat, order?: SearchOrder): Readable {
  return Readable.from(exportChunks(db, events, filters, format, order), { objectMode: false });
}

export function exportFileName(format: ExportFormat, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `upwatch-events-${stamp}.${format}`;
}
