/**
 * bench/risk: events scored per second with the history the user indicators need: a 100,000-entry
 * destination history and 10,000 downloads, looked up by key (as the extension's IndexedDB stores
 * are), the activity profile and the in-network CIDRs; beside a naive baseline from the same run
 * that scans the history and the downloads linearly. Goal: ≥ 50,000 events/s in Node.
 */
import { performance } from 'node:perf_hooks';
import { emptyProfile, localTime, offHoursVerdict, recordActivity } from '../src/core/risk/activity';
import { destinationKey, nextDestinationUse, type DestinationRecord } from '../src/core/risk/destination-history';
import { isRemote } from '../src/core/risk/network';
import { scoreEvent, type ScorableEvent } from '../src/core/risk/score';
import { DEFAULT_RISK_SETTINGS } from '../src/core/risk/settings';
import { downloadMatchKey, type DownloadRecord } from '../src/core/risk/sources';
import { DESTINATION_CATEGORIES, FILE_CATEGORIES, SOURCE_CATEGORIES } from '../src/core/schema/identifiers';
import { fmt, pick, printResult, seededRandom } from './lib';

const HISTORY = 100_000;
const DOWNLOADS = 10_000;
const EVENTS = 200_000;
const BASELINE_EVENTS = 2_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T10:00:00Z');
const CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'];

interface Upload {
  event: ScorableEvent;
  file: { name: string; size: number };
  now: number;
}

interface Lookups {
  destination(key: string): DestinationRecord | undefined;
  setDestination(record: DestinationRecord): void;
  downloads(name: string, size: number): readonly DownloadRecord[];
}

function build(random: () => number) {
  const records: DestinationRecord[] = [];
  for (let i = 0; i < HISTORY; i++) {
    const last = NOW - Math.floor(random() * 400) * DAY;
    records.push({ key: `domain:site${i}.example`, firstUsedAt: last - DAY, lastUsedAt: last, uploads: 1 + Math.floor(random() * 50) });
  }
  const downloads: DownloadRecord[] = [];
  for (let i = 0; i < DOWNLOADS; i++) {
    downloads.push({
      id: String(i),
      url: `https://wd5.myworkday.com/acme/export/${i}.xlsx`,
      fileName: `report-${i}.xlsx`,
      size: 1000 + i,
      startedAt: NOW - DAY,
      completedAt: NOW - DAY + 1000,
      sources: [
        { category: pick(random, SOURCE_CATEGORIES), serviceId: 'workday', url: 'https://wd5.myworkday.com/', acquiredAt: new Date(NOW - DAY).toISOString() },
      ],
    });
  }
  const uploads: Upload[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const site = Math.floor(random() * HISTORY * 1.1); // one in eleven is a new destination
    const downloaded = random() < 0.3 ? Math.floor(random() * DOWNLOADS) : -1;
    uploads.push({
      event: {
        file: { name: 'f', category: pick(random, FILE_CATEGORIES), categoryByExtension: 'other', categoryByContent: 'other', mismatch: random() < 0.05 },
        destination: {
          category: pick(random, DESTINATION_CATEGORIES),
          domain: `site${site}.example`,
          host: `www.site${site}.example`,
          trusted: random() < 0.05,
        } as ScorableEvent['destination'],
      },
      file: downloaded >= 0 ? { name: `report-${downloaded}.xlsx`, size: 1000 + downloaded } : { name: `upload-${i}.pdf`, size: i },
      now: NOW + i * 1000,
    });
  }
  let profile = emptyProfile();
  for (let d = 0; d < 30; d++) for (const h of [9, 11, 14, 16]) profile = recordActivity(profile, localTime(NOW - d * DAY + h * 3_600_000, 'UTC'));
  return { records, downloads, uploads, profile };
}

/** The work the pipeline does per file: history lookups, the pure history decisions, the score. */
function scoreUpload(upload: Upload, lookups: Lookups, profile: ReturnType<typeof emptyProfile>) {
  const settings = DEFAULT_RISK_SETTINGS;
  const dest = upload.event.destination as ScorableEvent['destination'] & { host: string };
  const key = destinationKey(dest)!;
  const { use, record } = nextDestinationUse(lookups.destination(key), key, upload.now, settings.history);
  lookups.setDestination(record);
  const matches = lookups.downloads(upload.file.name, upload.file.size);
  const sources = matches.length ? matches[matches.length - 1]!.sources : [];
  const off = offHoursVerdict(profile, localTime(upload.now, 'UTC'), settings.history);
  const remote = isRemote('203.0.113.7', CIDRS);
  return scoreEvent({ ...upload.event, sources }, settings, {
    offHours: off.offHours,
    offHoursBasis: off.basis,
    destinationUse: use,
    ...(remote !== undefined && { remote }),
  });
}

export async function run(): Promise<void> {
  const random = seededRandom(5);
  const { records, downloads, uploads, profile } = build(random);

  const byKey = new Map(records.map((r) => [r.key, r]));
  const byMatch = new Map<string, DownloadRecord[]>();
  for (const d of downloads) {
    const k = downloadMatchKey(d.fileName, d.size);
    byMatch.set(k, [...(byMatch.get(k) ?? []), d]);
  }
  const indexed: Lookups = {
    destination: (key) => byKey.get(key),
    setDestination: (r) => void byKey.set(r.key, r),
    downloads: (name, size) => byMatch.get(downloadMatchKey(name, size)) ?? [],
  };
  const list = [...records];
  const linear: Lookups = {
    destination: (key) => list.find((r) => r.key === key),
    setDestination: (r) => {
      const i = list.findIndex((x) => x.key === r.key);
      if (i >= 0) list[i] = r;
      else list.push(r);
    },
    downloads: (name, size) => downloads.filter((d) => d.fileName === name && d.size === size),
  };

  let sink = 0;
  for (let i = 0; i < 10_000; i++) sink += scoreUpload(uploads[i]!, indexed, profile).score;
  let start = performance.now();
  for (const u of uploads) sink += scoreUpload(u, indexed, profile).score;
  const rate = uploads.length / ((performance.now() - start) / 1000);

  start = performance.now();
  for (const u of uploads.slice(0, BASELINE_EVENTS)) sink += scoreUpload(u, linear, profile).score;
  const baseline = BASELINE_EVENTS / ((performance.now() - start) / 1000);
  if (sink < 0) console.log(sink);

  printResult(
    `risk: ${fmt(EVENTS)} events, ${fmt(HISTORY)}-entry destination history, ${fmt(DOWNLOADS)} downloads`,
    [
      ['keyed history (as the IndexedDB stores)', `${fmt(rate)} events/s`],
      [`baseline: linear scans (${fmt(BASELINE_EVENTS)} events)`, `${fmt(baseline)} events/s`],
      ['ratio', `${fmt(rate / baseline, 1)}×`],
    ],
    [{ label: '≥ 50,000 events/s', met: rate >= 50_000 }],
  );
}
