/**
 * The stored events bench/console searches: ≈2,000 users (a few heavy, most light), ≈300
 * destinations (catalog services of every category plus unknown hosts), every channel and file
 * category, the user indicators in realistic proportions, a few trusted destinations and a few
 * forged far-future dates, spread over 90 days. Events are clones of ~2,000 events built and
 * scored by buildFileEvent (each with its own id, time, user and file name), so producing a million
 * costs little and every one is a valid, consistently scored event.
 */
import { buildFileEvent } from '../src/core/build-event';
import catalog from '../src/core/destinations/catalog.json';
import { DEFAULT_RISK_SETTINGS } from '../src/core/risk/settings';
import type { FileEvent } from '../src/core/schema/event';
import { CHANNELS } from '../src/core/schema/identifiers';
import { seededRandom } from './lib';

const DAY = 86_400_000;
const USERS = 2_000;
const SERVICES = 260;
const UNKNOWN_HOSTS = 40;
const TEMPLATES = 2_000;
const FILES = [
  'payroll-2026.xlsx',
  'customer-list.csv',
  'q3-board-deck.pptx',
  'main.py',
  'contract-signed.pdf',
  'IMG_2041.jpg',
  'setup.exe',
  'backup.zip',
  'meeting-notes.docx',
  'demo.mp4',
  'voice-memo.m4a',
  'deploy.sh',
  'disk.vmdk',
  'roadmap.key',
  'invoice.pdf',
  'salaries.numbers',
  'design.fig',
  'schema.sql',
  'Server.java',
  'budget.ods',
];
/** Substrings the fileName searches look for: each in a few percent of the names. */
const NAME_PARTS = ['payroll', 'deck', 'contract', 'customer', 'invoice', 'notes'];
const CHANNEL_WEIGHTS = [0.6, 0.25, 0.1, 0.03, 0.02];

export interface Workload {
  ready: Promise<void>;
  users: string[];
  categories: string[];
  indicators: string[];
  nameParts: string[];
  /** Values of the other filters, taken from the scored templates once `ready`. */
  hosts: string[];
  serviceIds: string[];
  extensions: string[];
  fileCategories: string[];
  /** A score only about 1 % of the events reach (a rare `minScore`). */
  rareScore: number;
  destinationCount: number;
  start: number;
  end: number;
  /** Events number offset … offset+size-1 (of one user when given), and the time they are received at. */
  batch(offset: number, size: number, user?: string): { events: FileEvent[]; receivedAt: number };
}

const eventId = (n: number) => `0190a0e2-7c4b-7def-8abc-${String(n).padStart(12, '0')}`;

export function makeWorkload(total: number): Workload {
  const random = seededRandom(42);
  const end = Date.parse('2026-11-22T00:00:00.000Z');
  const start = end - 90 * DAY;
  const users = Array.from({ length: USERS }, (_, i) => `user${String(i).padStart(4, '0')}@acme.example`);
  const services = catalog.services.filter((s) => s.hosts.some((h) => !h.includes('*') && !h.includes('/'))).slice(0, SERVICES);
  const tabs = [
    ...services.map((s) => ({ url: `https://${s.hosts.find((h) => !h.includes('*') && !h.includes('/'))}/upload`, title: s.name })),
    ...Array.from({ length: UNKNOWN_HOSTS }, (_, i) => ({ url: `https://app${i}.partner-${i % 7}.example/files`, title: 'Upload' })),
  ];
  const templates: FileEvent[] = [];
  const hosts: string[] = [];
  const serviceIds: string[] = [];
  const extensions: string[] = [];
  const fileCategories: string[] = [];
  let rareScore = 0;
  const ready = (async () => {
    for (let t = 0; t < TEMPLATES; t++) {
      const tab = tabs[t % tabs.length]!;
      const r = random();
      let channelIndex = 0;
      for (let acc = CHANNEL_WEIGHTS[0]!; acc < r && channelIndex < CHANNELS.length - 1; acc += CHANNEL_WEIGHTS[++channelIndex]!);
      templates.push(
        await buildFileEvent({
          id: eventId(t),
          observedAt: new Date(start).toISOString(),
          channel: CHANNELS[channelIndex]!,
          trustedEvent: random() > 0.02,
          file: { name: FILES[(t * 7 + Math.floor(t / tabs.length)) % FILES.length]!, size: 1000 + t, mimeType: '' },
          tab,
          user: {},
          device: { browser: 'Chrome', browserVersion: '156', os: 'windows', extensionVersion: '0.1.0' },
          destinationOptions: random() < 0.05 ? { trusted: [new URL(tab.url).hostname] } : {},
          keepUrlQuery: false,
          settings: DEFAULT_RISK_SETTINGS,
          context: {
            offHours: random() < 0.25,
            remote: random() < 0.2,
            destinationUse: random() < 0.03 ? 'first' : random() < 0.08 ? 'rare' : 'known',
            rareWindowDays: 90,
            departingWatchlist: random() < 0.02,
          },
        }),
      );
    }
    const distinct = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();
    hosts.push(...distinct(templates.map((t) => t.destination.host)));
    serviceIds.push(...distinct(templates.map((t) => t.destination.serviceId)));
    extensions.push(...distinct(templates.map((t) => t.file.extension)));
    fileCategories.push(...distinct(templates.map((t) => t.file.category)));
    const scores = templates.map((t) => t.risk.score).sort((a, b) => a - b);
    rareScore = scores[Math.floor(scores.length * 0.99)]!;
  })();
  // Heavy users first: user k gets a share falling off with k (a few hundred events for a typical one).
  const userOf = (n: number) => users[Math.floor(USERS * Math.pow(((n * 2654435761) >>> 0) / 4294967296, 1.6))]!;
  return {
    ready,
    users,
    categories: ['cloud_storage', 'email', 'ai_tools', 'messaging', 'source_code_repository', 'productivity', 'social_media', 'pdf_manager'],
    indicators: ['off_hours', 'remote', 'first_use_of_destination', 'rare_use_of_destination', 'departing_watchlist', 'ai_tools', 'spreadsheet', 'executable'],
    nameParts: NAME_PARTS,
    hosts,
    serviceIds,
    extensions,
    fileCategories,
    get rareScore() {
      return rareScore;
    },
    destinationCount: tabs.length,
    start,
    end,
    batch(offset, size, user) {
      const events: FileEvent[] = [];
      let latest = start;
      for (let n = offset; n < offset + size; n++) {
        const template = templates[(n * 7919) % templates.length]!;
        const at = start + Math.floor(((n % total) / total) * (end - start)) + Math.floor(((n * 40503) % 240_000) - 120_000);
        latest = Math.max(latest, at);
        const forged = n % 997 === 0;
        const dot = template.file.name.lastIndexOf('.');
        events.push({
          ...template,
          id: eventId(1_000_000 + n),
          observedAt: forged ? '9999-12-31T23:59:59.000Z' : new Date(at).toISOString(),
          user: { email: user ?? userOf(n) },
          file: { ...template.file, name: `${template.file.name.slice(0, dot)}-${n % 1000}${template.file.name.slice(dot)}` },
        });
      }
      return { events, receivedAt: latest + 60_000 };
    },
  };
}

/** The exposure answer straight from the events table, for the baseline (named parameters from, to). */
export const EXPOSURE_BASELINE_SQL = [
  `SELECT sort_at - ((sort_at % ${DAY}) + ${DAY}) % ${DAY} AS day, severity_rank, count(*) AS n FROM events
   WHERE sort_at >= @from AND sort_at < @to GROUP BY 1, 2`,
  `SELECT coalesce(user_email, '') AS u, count(*) AS n, sum(score) AS s, max(severity_rank) AS r FROM events
   WHERE sort_at >= @from AND sort_at < @to GROUP BY 1 ORDER BY s DESC, n DESC, u LIMIT 10`,
  `SELECT CASE WHEN service_id IS NULL THEN 'host' ELSE 'service' END AS k, coalesce(service_id, host) AS d, destination_category AS c,
   count(*) AS n, sum(score) AS s, max(severity_rank) AS r FROM events
   WHERE sort_at >= @from AND sort_at < @to GROUP BY 1, 2, 3 ORDER BY s DESC, n DESC, d LIMIT 10`,
  `SELECT i.indicator, count(*) AS n, sum(e.score) AS s FROM event_indicators i JOIN events e ON e.seq = i.event_seq
   WHERE i.sort_at >= @from AND i.sort_at < @to GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10`,
];
