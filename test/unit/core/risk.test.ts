// @vitest-environment node
/** The risk engine: scoring, severity, settings, and the history behind the user indicators. */
import { describe, expect, it } from 'vitest';
import { emptyProfile, localTime, localTimeByIntl, offHoursVerdict, recordActivity, withinWorkingHours, hourOfWeek } from '../../../src/core/risk/activity';
import { destinationKey, nextDestinationUse, type DestinationRecord } from '../../../src/core/risk/destination-history';
import { isRemote, parseCidr, parseIp, reportedClientIp } from '../../../src/core/risk/network';
import { rescore } from '../../../src/core/risk/rescore';
import { mergeRiskSettings } from '../../../src/core/risk/overrides';
import { scoreEvent, type ScorableEvent, type ScoringContext } from '../../../src/core/risk/score';
import { DEFAULT_RISK_SETTINGS, RECOMMENDED_SCORES, RiskSettings } from '../../../src/core/risk/settings';
import { severityOf } from '../../../src/core/risk/severity';
import { sourcesOfDownload } from '../../../src/core/risk/sources';
import { uploadContext } from '../../../src/core/risk/upload-context';
import { DESTINATION_CATEGORIES, FILE_CATEGORIES, SEVERITIES, SOURCE_CATEGORIES, USER_INDICATORS } from '../../../src/core/schema/identifiers';
import { FileEvent } from '../../../src/core/schema/event';
import { seededRandom } from '../../../bench/lib';
import { sampleEvent, sampleId } from '../support/sample-event';

const base = (): ScorableEvent => ({
  file: { name: 'a.bin', category: 'other', categoryByExtension: 'other', categoryByContent: 'other', mismatch: false },
  destination: { category: 'other', domain: 'example.org', trusted: false },
});
const S = DEFAULT_RISK_SETTINGS;

describe('severityOf', () => {
  it.each([
    [0, 'none'],
    [1, 'low'],
    [3, 'low'],
    [4, 'moderate'],
    [6, 'moderate'],
    [7, 'high'],
    [8, 'high'],
    [9, 'critical'],
    [40, 'critical'],
  ])('%i → %s', (score, severity) => expect(severityOf(score)).toBe(severity));

  it('is monotone in the score', () => {
    for (let s = 0; s < 60; s++) {
      expect(SEVERITIES.indexOf(severityOf(s + 1))).toBeGreaterThanOrEqual(SEVERITIES.indexOf(severityOf(s)));
    }
  });
});

describe('risk settings', () => {
  it('defaults to the recommended scores', () => {
    expect(DEFAULT_RISK_SETTINGS.scores).toEqual(RECOMMENDED_SCORES);
  });
  it.each([
    [{ scores: { file: { pdf: 11 } } }],
    [{ scores: { file: { pdf: -1 } } }],
    [{ scores: { file: { pdf: 1.5 } } }],
    [{ scores: { file: { pfd: 1 } } }],
    [{ version: '' }],
  ])('rejects %j', (input) => {
    expect(RiskSettings.safeParse(input).success).toBe(false);
  });
});

describe('every indicator, alone', () => {
  it.each(DESTINATION_CATEGORIES)('destination %s', (category) => {
    const r = scoreEvent({ ...base(), destination: { ...base().destination, category } }, S);
    expect(r.score).toBe(S.scores.destination[category]);
    expect(r.indicators.map((i) => i.id)).toEqual(S.scores.destination[category] > 0 ? [category] : []);
  });
  it.each(FILE_CATEGORIES)('file %s', (category) => {
    const r = scoreEvent({ ...base(), file: { ...base().file, category } }, S);
    expect(r.score).toBe(S.scores.destination.other + S.scores.file[category]);
  });
  it.each(SOURCE_CATEGORIES)('source %s', (category) => {
    const r = scoreEvent({ ...base(), sources: [{ category, serviceName: 'X' }] }, S);
    expect(r.score).toBe(S.scores.destination.other + S.scores.source[category]);
    expect(r.indicators.find((i) => i.group === 'source')).toMatchObject({ id: category, reason: expect.stringContaining('File came from X') });
  });
  const contexts: Record<string, [ScoringContext, Partial<ScorableEvent['file']>]> = {
    off_hours: [{ offHours: true }, {}],
    first_use_of_destination: [{ destinationUse: 'first' }, {}],
    rare_use_of_destination: [{ destinationUse: 'rare' }, {}],
    remote: [{ remote: true }, {}],
    file_mismatch: [{}, { mismatch: true, categoryByExtension: 'image', categoryByContent: 'source_code', category: 'source_code' }],
    departing_watchlist: [{ departingWatchlist: true }, {}],
  };
  it.each(USER_INDICATORS)('user %s', (id) => {
    const [context, file] = contexts[id]!;
    const r = scoreEvent({ ...base(), file: { ...base().file, ...file } }, S, context);
    const indicator = r.indicators.find((i) => i.id === id);
    expect(indicator).toMatchObject({ group: 'user', weight: S.scores.user[id] });
    expect(indicator!.reason.length).toBeGreaterThan(10);
    expect(r.userFacts).toEqual([id]);
  });
});

describe('combinations', () => {
  const everything: ScoringContext = { offHours: true, destinationUse: 'first', remote: true, departingWatchlist: true };
  const loaded: ScorableEvent = {
    file: { name: 'x.jpg', category: 'source_code', categoryByExtension: 'image', categoryByContent: 'source_code', mismatch: true },
    destination: { category: 'cloud_storage', serviceId: 'wetransfer', serviceName: 'WeTransfer', domain: 'wetransfer.com', trusted: false },
    sources: [{ category: 'messaging' }, { category: 'hr', serviceName: 'Workday' }, { category: 'crm' }],
  };

  it('the seed example: source code uploaded to Dropbox off hours = 9, critical', () => {
    const r = scoreEvent(
      {
        file: { ...base().file, category: 'source_code' },
        destination: { category: 'cloud_storage', serviceId: 'dropbox', serviceName: 'Dropbox', domain: 'dropbox.com', trusted: false },
      },
      S,
      { offHours: true },
    );
    expect(r).toMatchObject({ score: 9, severity: 'critical' });
  });

  it('every indicator at once adds up, with only the highest source', () => {
    const r = scoreEvent(loaded, S, everything);
    // user 1 + 2 + 1 + 5 + 4, destination 5, source hr 4, file 3
    expect(r.score).toBe(25);
    expect(r.indicators.filter((i) => i.group === 'source').map((i) => i.id)).toEqual(['hr']);
    expect(r.indicators.find((i) => i.id === 'first_use_of_destination')?.reason).toBe('First upload to WeTransfer since monitoring began');
  });

  it('trusted activity scores 0 with every other indicator present', () => {
    const r = scoreEvent({ ...loaded, destination: { ...loaded.destination, trusted: true } }, S, everything);
    expect(r).toMatchObject({ score: 0, severity: 'none', indicators: [], trusted: true });
  });

  const dropbox: ScorableEvent = {
    file: { name: 'main.py', category: 'source_code', categoryByExtension: 'source_code', categoryByContent: 'other', mismatch: false },
    destination: { category: 'cloud_storage', serviceId: 'dropbox', serviceName: 'Dropbox', domain: 'dropbox.com', trusted: false },
  };

  it.each([
    ['email', 'document', 3 + 1],
    ['messaging', 'spreadsheet', 3 + 2],
    ['pdf_manager', 'pdf', 4 + 1],
    ['file_conversion', 'presentation', 4 + 1],
    ['source_code_repository', 'source_code', 5 + 3],
    ['ai_tools', 'archive', 5 + 2],
    ['other', 'image', 2],
    ['unknown', 'other', 2],
  ] as const)('destination %s + file %s = %i', (destination, file, score) => {
    const r = scoreEvent({ file: { ...base().file, category: file }, destination: { ...base().destination, category: destination } }, S);
    expect(r.score).toBe(score);
  });

  it('counts only the highest-scoring source, ties to the first observed', () => {
    const tie = scoreEvent({ ...base(), sources: [{ category: 'crm' }, { category: 'financial_services' }] }, S);
    expect(tie.indicators.filter((i) => i.group === 'source').map((i) => i.id)).toEqual(['crm']);
  });

  it('uses admin settings and per-service overrides', () => {
    const settings = mergeRiskSettings(S, { version: 'acme-7', scores: { destination: { cloud_storage: 1 } }, serviceOverrides: { box: 0 } });
    expect(scoreEvent(dropbox, settings)).toMatchObject({ score: 1 + 3, settingsVersion: 'acme-7' });
    const box = scoreEvent({ ...dropbox, destination: { ...dropbox.destination, serviceId: 'box', serviceName: 'Box' } }, settings);
    expect(box.indicators.map((i) => i.id)).toEqual(['source_code']);
  });

  it('says which basis decided off hours', () => {
    expect(scoreEvent(base(), S, { offHours: true, offHoursBasis: 'working_hours' }).indicators[0]!.reason).toMatch(/outside working hours/);
    expect(scoreEvent(base(), S, { offHours: true, offHoursBasis: 'profile' }).indicators[0]!.reason).toMatch(/usual active hours/);
  });
});

describe('properties', () => {
  const random = seededRandom(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const randomSettings = () =>
    RiskSettings.parse({
      version: `v${Math.floor(random() * 100)}`,
      scores: {
        user: Object.fromEntries(USER_INDICATORS.map((k) => [k, Math.floor(random() * 11)])),
        destination: Object.fromEntries(DESTINATION_CATEGORIES.map((k) => [k, Math.floor(random() * 11)])),
        source: Object.fromEntries(SOURCE_CATEGORIES.map((k) => [k, Math.floor(random() * 11)])),
        file: Object.fromEntries(FILE_CATEGORIES.map((k) => [k, Math.floor(random() * 11)])),
      },
    });
  const randomCase = () => {
    const event: ScorableEvent = {
      file: {
        name: 'f',
        category: pick(FILE_CATEGORIES),
        categoryByExtension: pick(FILE_CATEGORIES),
        categoryByContent: pick(FILE_CATEGORIES),
        mismatch: random() < 0.3,
      },
      destination: { category: pick(DESTINATION_CATEGORIES), domain: 'd.example', trusted: random() < 0.1 },
      sources: Array.from({ length: Math.floor(random() * 3) }, () => ({ category: pick(SOURCE_CATEGORIES) })),
    };
    const context: ScoringContext = {
      offHours: random() < 0.5,
      destinationUse: pick(['first', 'rare', 'known'] as const),
      remote: random() < 0.5,
      departingWatchlist: random() < 0.2,
    };
    return { event, context };
  };

  it('score = sum of applied weights, and the severity follows the score (2,000 random cases)', () => {
    for (let i = 0; i < 2000; i++) {
      const settings = randomSettings();
      const { event, context } = randomCase();
      const r = scoreEvent(event, settings, context);
      expect(r.score).toBe(r.indicators.reduce((sum, x) => sum + x.weight, 0));
      expect(r.severity).toBe(severityOf(r.score));
      expect(r.indicators.every((x) => x.weight > 0)).toBe(true);
      if (event.destination.trusted) expect(r.score).toBe(0);
    }
  });

  it('raising any weight never lowers a score or its severity', () => {
    for (let i = 0; i < 500; i++) {
      const settings = randomSettings();
      const { event, context } = randomCase();
      const before = scoreEvent(event, settings, context);
      const group = pick(['user', 'destination', 'source', 'file'] as const);
      const scores = structuredClone(settings.scores) as Record<string, Record<string, number>>;
      const key = pick(Object.keys(scores[group]!));
      scores[group]![key] = Math.min(10, scores[group]![key]! + 1 + Math.floor(random() * 5));
      const after = scoreEvent(event, { ...settings, scores: scores as RiskSettings['scores'] }, context);
      expect(after.score).toBeGreaterThanOrEqual(before.score);
      expect(SEVERITIES.indexOf(after.severity)).toBeGreaterThanOrEqual(SEVERITIES.indexOf(before.severity));
    }
  });
});

describe('rescore', () => {
  it('previews new settings without changing stored events', async () => {
    const events = [
      await sampleEvent({ id: sampleId(1), context: { offHours: true } }),
      await sampleEvent({ id: sampleId(2), destinationOptions: { trusted: ['dropbox.com'] } }),
    ];
    const frozen = structuredClone(events);
    const deep = (o: unknown): void => {
      if (o && typeof o === 'object') {
        Object.freeze(o);
        Object.values(o).forEach(deep);
      }
    };
    deep(events);
    const settings = RiskSettings.parse({ version: 'v2', scores: { user: { off_hours: 4 }, destination: { cloud_storage: 7 } } });
    const [a, b] = rescore(events, settings);
    expect(a).toMatchObject({
      before: { score: 9, severity: 'critical', settingsVersion: 'builtin-1' },
      after: { score: 14, settingsVersion: 'v2' },
      changed: true,
    });
    expect(b).toMatchObject({ before: { score: 0 }, after: { score: 0, trusted: true }, changed: false });
    expect(events).toEqual(frozen);
    for (const e of events) expect(FileEvent.parse(e)).toEqual(e);
  });

  it('sees user indicators weighted 0 at the time', async () => {
    const zero = RiskSettings.parse({ version: 'zero', scores: { user: { off_hours: 0 } } });
    const event = await sampleEvent({ settings: zero, context: { offHours: true } });
    expect(event.risk.indicators.map((i) => i.id)).not.toContain('off_hours');
    expect(rescore([event], S)[0]!.after.indicators.map((i) => i.id)).toContain('off_hours');
  });
});

describe('destination history', () => {
  const settings = { groupingWindowMinutes: 60, rareWindowDays: 90 };
  const MIN = 60_000;
  const DAY = 86_400_000;
  it('first use, the burst, known, then rare after the window, with its own burst', () => {
    let record: DestinationRecord | undefined;
    const uses: string[] = [];
    for (const at of [0, 10 * MIN, 60 * MIN, 61 * MIN, 30 * DAY, 121 * DAY, 121 * DAY + 30 * MIN, 121 * DAY + 61 * MIN]) {
      const next = nextDestinationUse(record, 'service:wetransfer', at, settings);
      uses.push(next.use);
      record = next.record;
    }
    expect(uses).toEqual(['first', 'first', 'first', 'known', 'known', 'rare', 'rare', 'known']);
    expect(record).toMatchObject({ firstUsedAt: 0, uploads: 8 });
  });
  it('keys by service id, else registrable domain', () => {
    expect(destinationKey({ serviceId: 'gmail', domain: 'google.com', host: 'mail.google.com' })).toBe('service:gmail');
    expect(destinationKey({ domain: 'example.co.uk', host: 'a.example.co.uk' })).toBe('domain:example.co.uk');
    expect(destinationKey({ domain: '', host: '' })).toBeUndefined();
  });
});

describe('the history facts of one upload', () => {
  const history = DEFAULT_RISK_SETTINGS.history;
  const dropbox = { serviceId: 'dropbox', domain: 'dropbox.com', host: 'www.dropbox.com' };
  const gmail = { serviceId: 'gmail', domain: 'google.com', host: 'mail.google.com' };
  const now = Date.parse('2026-11-23T10:00:00Z'); // a Monday, in working hours
  const options = { now, timeZone: 'UTC', history, inNetworkCidrs: [] as string[], departingWatchlist: false };
  const none = { activityProfile: null, clientIp: null, destinations: new Map<string, DestinationRecord>() };

  it('gives every file of a burst to a new destination its first use, and returns the records to store', () => {
    const known: DestinationRecord = { key: 'service:gmail', firstUsedAt: now - 10 * 86_400_000, lastUsedAt: now - 86_400_000, uploads: 3 };
    const upload = uploadContext([dropbox, dropbox, gmail, { domain: '', host: '' }], { ...none, destinations: new Map([['service:gmail', known]]) }, options);
    expect(upload.contexts.map((c) => c.destinationUse)).toEqual(['first', 'first', 'known', undefined]);
    expect(upload.destinations).toEqual([
      expect.objectContaining({ key: 'service:dropbox', uploads: 2, firstUsedAt: now, burstKind: 'first' }),
      expect.objectContaining({ key: 'service:gmail', uploads: 4, lastUsedAt: now }),
    ]);
    expect(upload.activity).toMatchObject({ weekday: 1, hour: 10, day: '2026-11-23' });
  });

  it('judges off hours, remote and the watchlist once for the whole upload', () => {
    const upload = uploadContext([dropbox, gmail], none, {
      ...options,
      now: Date.parse('2026-11-22T10:00:00Z'), // a Sunday
      inNetworkCidrs: ['10.0.0.0/8'],
      departingWatchlist: true,
    });
    for (const context of upload.contexts) {
      expect(context).toMatchObject({ offHours: true, offHoursBasis: 'working_hours', departingWatchlist: true, rareWindowDays: 90 });
      expect(context.unevaluated).toEqual([{ id: 'remote', reason: 'client IP unknown: the backend has not reported it yet' }]);
    }
    const known = uploadContext(
      [dropbox],
      { ...none, clientIp: { clientIp: '203.0.113.9', reportedAt: now - 3_600_000 } },
      { ...options, inNetworkCidrs: ['10.0.0.0/8'] },
    );
    expect(known.contexts[0]).toMatchObject({ remote: true });
    const stale = uploadContext(
      [dropbox],
      { ...none, clientIp: { clientIp: '203.0.113.9', reportedAt: now - 25 * 3_600_000 } },
      { ...options, inNetworkCidrs: ['10.0.0.0/8'] },
    );
    expect(stale.contexts[0]!.remote).toBeUndefined();
  });

  it('changes nothing it was given', () => {
    const destinations = new Map<string, DestinationRecord>();
    uploadContext([dropbox], { ...none, destinations }, options);
    expect(destinations.size).toBe(0);
  });
});

describe('activity profile and off hours', () => {
  const hours = DEFAULT_RISK_SETTINGS.history;

  it('reads local wall-clock time across daylight-saving changes', () => {
    // New York springs forward on 2026-03-08 at 02:00: 09:30 local is 13:30Z before, 13:30Z after 14:30Z... both 09:30 local.
    expect(localTime(Date.parse('2026-03-06T14:30:00Z'), 'America/New_York')).toMatchObject({ weekday: 5, hour: 9, minute: 30 });
    expect(localTime(Date.parse('2026-03-09T13:30:00Z'), 'America/New_York')).toMatchObject({ weekday: 1, hour: 9, minute: 30 });
    expect(localTime(Date.parse('2026-11-22T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({ weekday: 1, hour: 8, day: '2026-11-23' });
  });

  it('agrees with Intl at every instant, across zones with odd offsets and transitions', () => {
    const random = seededRandom(21);
    for (const zone of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns']) {
      for (let i = 0; i < 400; i++) {
        const at = Date.parse('2026-01-01T00:00:00Z') + Math.floor(random() * 366 * 86_400_000);
        expect(localTime(at, zone), `${zone} ${new Date(at).toISOString()}`).toEqual(localTimeByIntl(at, zone));
      }
      // Around the 2026 transitions, minute by minute.
      for (const around of ['2026-03-08T06:00:00Z', '2026-11-01T05:00:00Z', '2026-04-04T14:00:00Z', '2026-10-03T15:00:00Z', '2026-03-29T00:30:00Z']) {
        for (let m = -90; m <= 90; m += 7) {
          const at = Date.parse(around) + m * 60_000;
          expect(localTime(at, zone)).toEqual(localTimeByIntl(at, zone));
        }
      }
    }
  });

  it.each([
    ['Mon 08:00', { weekday: 1, hour: 8, minute: 0 }, true],
    ['Mon 07:59', { weekday: 1, hour: 7, minute: 59 }, false],
    ['Fri 17:59', { weekday: 5, hour: 17, minute: 59 }, true],
    ['Fri 18:00', { weekday: 5, hour: 18, minute: 0 }, false],
    ['Sat 12:00', { weekday: 6, hour: 12, minute: 0 }, false],
  ])('working hours: %s within=%s', (_, t, within) => {
    expect(withinWorkingHours({ ...t, day: '2026-01-01' }, hours.workingHours)).toBe(within);
  });

  it('handles night shifts that cross midnight', () => {
    const night = { days: [1, 2, 3, 4, 5], start: '22:00', end: '06:00' };
    expect(withinWorkingHours({ weekday: 2, hour: 23, minute: 0, day: '' }, night)).toBe(true);
    expect(withinWorkingHours({ weekday: 2, hour: 5, minute: 59, day: '' }, night)).toBe(true);
    expect(withinWorkingHours({ weekday: 2, hour: 12, minute: 0, day: '' }, night)).toBe(false);
    const allDay = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' };
    expect(withinWorkingHours({ weekday: 7, hour: 3, minute: 0, day: '' }, allDay)).toBe(true);
  });

  it('uses working hours until 14 days are observed, then the learned profile', () => {
    // A night worker: active 22:00–23:00 UTC every day for three weeks.
    let profile = emptyProfile();
    const start = Date.parse('2026-11-02T22:15:00Z');
    for (let d = 0; d < 21; d++) {
      profile = recordActivity(profile, localTime(start + d * 86_400_000, 'UTC'));
      profile = recordActivity(profile, localTime(start + d * 86_400_000 + 20 * 60_000, 'UTC')); // same hour, counted once
      if (d === 12) {
        expect(offHoursVerdict(profile, localTime(Date.parse('2026-11-16T22:30:00Z'), 'UTC'), hours)).toEqual({ offHours: true, basis: 'working_hours' });
      }
    }
    expect(profile.observedDays).toBe(21);
    expect(profile.activeDays[hourOfWeek(localTime(start, 'UTC'))]).toBe(3);
    const night = localTime(Date.parse('2026-11-30T22:40:00Z'), 'UTC');
    const morning = localTime(Date.parse('2026-11-30T10:00:00Z'), 'UTC');
    expect(offHoursVerdict(profile, night, hours)).toEqual({ offHours: false, basis: 'profile' });
    expect(offHoursVerdict(profile, morning, hours)).toEqual({ offHours: true, basis: 'profile' });
  });
});

describe('remote', () => {
  it.each([
    ['10.1.2.3', ['10.0.0.0/8'], false],
    ['11.1.2.3', ['10.0.0.0/8'], true],
    ['192.168.1.200', ['192.168.1.128/25'], false],
    ['192.168.1.100', ['192.168.1.128/25'], true],
    ['::ffff:10.9.9.9', ['10.0.0.0/8'], false],
    ['2001:db8:1::5', ['2001:db8::/32'], false],
    ['2001:db9::1', ['2001:db8::/32'], true],
    ['fd12:3456::1', ['fd00::/8', '10.0.0.0/8'], false],
    ['[2001:db8::1]', ['2001:db8::1/128'], false],
    ['203.0.113.7', ['203.0.113.7'], false],
    ['203.0.113.8', ['0.0.0.0/0'], false],
    ['10.0.0.1', ['2001:db8::/32'], true],
  ] as const)('%s in %j → remote %s', (ip, cidrs, remote) => {
    expect(isRemote(ip, cidrs)).toBe(remote);
  });

  it.each([
    [undefined, ['10.0.0.0/8']],
    ['not-an-ip', ['10.0.0.0/8']],
    ['10.0.0.1', []],
    ['10.0.0.1', ['garbage', '10.0.0.0/33']],
  ] as const)('unknown (%s, %j) → not applied', (ip, cidrs) => {
    expect(isRemote(ip, cidrs)).toBeUndefined();
  });

  it.each([
    ['203.0.113.9', '203.0.113.9'],
    [' 2001:db8::1 ', '2001:db8::1'],
    ['not-an-ip', 'not-an-ip'], // kept, and reported as "not an IP address" where it is used
    ['', undefined],
    ['x'.repeat(65), undefined],
    [42, undefined],
    [null, undefined],
  ] as const)('takes %j from a backend as %j', (raw, expected) => {
    expect(reportedClientIp(raw)).toBe(expected);
  });

  it('parses addresses strictly', () => {
    expect(parseIp('256.1.1.1')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIp('::1')).toEqual({ v6: true, value: 1n });
    expect(parseCidr('10.0.0.0/-1')).toBeUndefined();
  });
});

describe('download sources', () => {
  it('classifies the tab, referrer, URL and final URL, one per service, in that order', () => {
    const sources = sourcesOfDownload(
      {
        tabUrl: 'https://wd5.myworkday.com/acme/d/task/1.htmld',
        referrer: 'https://wd5.myworkday.com/acme/d/home.htmld',
        url: 'https://acme.lightning.force.com/sfc/servlet.shepherd/document/download/069?x=1',
        finalUrl: 'https://acme.file.force.com/sfc/dist/version/download/?oid=1',
      },
      '2026-11-23T09:00:00.000Z',
    );
    expect(sources.map((s) => [s.category, s.serviceId, s.url])).toEqual([
      ['hr', 'workday', 'https://wd5.myworkday.com/acme/d/task/1.htmld'],
      ['crm', 'salesforce', 'https://acme.lightning.force.com/sfc/servlet.shepherd/document/download/069'],
    ]);
  });
  it('knows no source for unknown sites and services without a source category', () => {
    expect(sourcesOfDownload({ url: 'https://files.example.org/a.zip' }, '2026-11-23T09:00:00.000Z')).toEqual([]);
    expect(sourcesOfDownload({ url: 'https://wetransfer.com/downloads/1' }, '2026-11-23T09:00:00.000Z')).toEqual([]);
  });
  it('uses custom destinations with a source category', () => {
    const customDestinations = [{ id: 'acme_hr', name: 'Acme HR', category: 'other' as const, hosts: ['hr.acme.example'], sourceCategory: 'hr' as const }];
    expect(sourcesOfDownload({ url: 'https://hr.acme.example/export' }, '2026-11-23T09:00:00.000Z', { customDestinations })[0]).toMatchObject({
      category: 'hr',
      serviceId: 'acme_hr',
    });
  });
});
