/**
 * The offboarding lookback (the XSOAR seed's departing-employee review): a person's file movements
 * over the last N days, as a report for the manager — counts by destination and by destination and
 * file category, the riskiest events, total bytes, the events as CSV (CSV-injection-safe, as the
 * export), and a plain-text summary ready to send. Who may call it: ../http/access.ts.
 *
 * The report reads the person's stored events page by page (what retention has kept) and stops at
 * MAX_EVENTS (`truncated` says so); the inline CSV holds at most MAX_CSV_ROWS, and `csvUrl` is the
 * export of the same search, whole.
 */
import { z } from 'zod';
import { controlsToSpaces } from '../../src/core/formats/escape';
import type { ApiEvent } from '../events/store';
import { CSV_COLUMNS, csvLine } from '../events/export';
import { EventFilters, searchEvents, type SearchPosition } from '../events/search';
import { defineRoute } from '../http/route';
import { PersonEmail } from '../watchlists/store';

const DAY_MS = 86_400_000;
const PAGE = 500;
export const MAX_EVENTS = 50_000;
export const MAX_CSV_ROWS = 5_000;
const RISKIEST = 20;

const Count = z.object({ destination: z.string(), events: z.number(), bytes: z.number() });
const CategoryCount = Count.extend({ fileCategory: z.string() });
const Riskiest = z.object({
  id: z.string(),
  observedAt: z.string(),
  score: z.number(),
  severity: z.string(),
  fileName: z.string(),
  fileCategory: z.string(),
  size: z.number(),
  destination: z.string(),
  url: z.string(),
});

const LookbackReport = z.object({
  user: z.string(),
  days: z.number(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  events: z.number(),
  totalBytes: z.number(),
  truncated: z.boolean(),
  byDestination: z.array(Count),
  byDestinationAndCategory: z.array(CategoryCount),
  riskiest: z.array(Riskiest),
  csv: z.string(),
  csvTruncated: z.boolean(),
  csvUrl: z.string(),
  summary: z.string(),
});
type LookbackReport = z.infer<typeof LookbackReport>;

/** Where an event went, as people say it: the catalog's service name, else the host. */
const destinationOf = (e: ApiEvent) => e.destination.serviceName ?? (e.destination.host || 'unknown destination');

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`;
}

function summaryOf(r: Omit<LookbackReport, 'summary' | 'csv'>): string {
  const lines = [
    `File movements of ${r.user} over the last ${r.days} day(s) (${r.from.slice(0, 10)} to ${r.to.slice(0, 10)}), as seen by Upwatch:`,
    '',
    `${r.events} upload(s), ${mib(r.totalBytes)} in all${r.truncated ? ` (the first ${MAX_EVENTS} events only)` : ''}.`,
  ];
  if (r.byDestination.length) {
    lines.push('', 'Where the files went:');
    for (const d of r.byDestination.slice(0, 10)) lines.push(`- ${d.destination}: ${d.events} upload(s), ${mib(d.bytes)}`);
    if (r.byDestination.length > 10) lines.push(`- and ${r.byDestination.length - 10} more destination(s)`);
  }
  const risky = r.riskiest.filter((e) => e.score > 0).slice(0, 5);
  if (risky.length) {
    lines.push('', 'The riskiest uploads:');
    for (const e of risky)
      lines.push(
        `- ${e.observedAt.slice(0, 16).replace('T', ' ')} UTC: ${e.fileName} (${e.fileCategory}, ${mib(e.size)}) to ${e.destination} — ${e.severity}, score ${e.score}`,
      );
  }
  lines.push('', 'Please tell the security team whether these were part of their work. The full list is attached as CSV.');
  // Names are data: one line each, so a file name cannot add lines of its own to the message, nor
  // bidi overrides make 'invoice\u202Efdp.exe' read as a PDF to the manager.
  return `${lines.map(controlsToSpaces).join('\n')}\n`;
}

const lookback = defineRoute({
  method: 'POST',
  path: '/api/v1/users/:email/lookback',
  tag: 'users',
  summary:
    "Offboarding lookback: a person's file movements over the last `days` (1–365) by observed time — counts by destination and by destination and file category, " +
    'the 20 riskiest events, total bytes, the events as CSV (inline up to 5,000 rows; csvUrl exports them all) and a plain-text summary for their manager.',
  params: z.object({ email: PersonEmail }),
  body: z.strictObject({ days: z.number().int().min(1).max(365) }),
  response: LookbackReport,
  async handler({ params, body, services }) {
    const to = services.now();
    const from = to - body.days * DAY_MS;
    const query = { user: params.email, observedFrom: new Date(from).toISOString(), observedTo: new Date(to).toISOString() };
    const filters = EventFilters.parse(query);
    const byDestination = new Map<string, { events: number; bytes: number }>();
    const byCategory = new Map<string, { destination: string; fileCategory: string; events: number; bytes: number }>();
    let riskiest: ApiEvent[] = [];
    const csv: string[] = [csvLine(CSV_COLUMNS.map(([name]) => name))];
    let events = 0;
    let totalBytes = 0;
    let after: SearchPosition | undefined;
    do {
      const page = await searchEvents(services.db, filters, PAGE, after);
      for (const e of await services.events.toApiEvents(page.rows)) {
        if (events >= MAX_EVENTS) break;
        events++;
        totalBytes += e.file.size;
        const where = destinationOf(e);
        const d = byDestination.get(where) ?? { events: 0, bytes: 0 };
        byDestination.set(where, { events: d.events + 1, bytes: d.bytes + e.file.size });
        const key = `${where}\u0000${e.file.category}`;
        const c = byCategory.get(key) ?? { destination: where, fileCategory: e.file.category, events: 0, bytes: 0 };
        byCategory.set(key, { ...c, events: c.events + 1, bytes: c.bytes + e.file.size });
        if (csv.length <= MAX_CSV_ROWS) csv.push(csvLine(CSV_COLUMNS.map(([, get]) => get(e))));
        riskiest.push(e);
        // Newest first already: a stable sort keeps the newer of equal scores first.
        if (riskiest.length > RISKIEST * 4) riskiest = riskiest.sort((a, b) => b.risk.score - a.risk.score).slice(0, RISKIEST);
      }
      after = events < MAX_EVENTS ? page.next : undefined;
    } while (after);
    const sortCounts = <T extends { events: number; bytes: number }>(items: T[], name: (t: T) => string) =>
      items.sort((a, b) => b.events - a.events || b.bytes - a.bytes || name(a).localeCompare(name(b)));
    const report = {
      user: params.email,
      days: body.days,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      events,
      totalBytes,
      truncated: events >= MAX_EVENTS,
      byDestination: sortCounts(
        [...byDestination].map(([destination, c]) => ({ destination, ...c })),
        (c) => c.destination,
      ),
      byDestinationAndCategory: sortCounts([...byCategory.values()], (c) => `${c.destination} ${c.fileCategory}`),
      riskiest: riskiest
        .sort((a, b) => b.risk.score - a.risk.score)
        .slice(0, RISKIEST)
        .map((e) => ({
          id: e.id,
          observedAt: e.observedAt,
          score: e.risk.score,
          severity: e.risk.severity,
          fileName: e.file.name,
          fileCategory: e.file.category,
          size: e.file.size,
          destination: destinationOf(e),
          url: e.destination.url,
        })),
      csvTruncated: events > MAX_CSV_ROWS,
      csvUrl: `/api/v1/events/export?${new URLSearchParams({ format: 'csv', ...query }).toString()}`,
    };
    return { ...report, csv: csv.join(''), summary: summaryOf(report) };
  },
});

export const LOOKBACK_ROUTES = [lookback];
