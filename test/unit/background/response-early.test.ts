/**
 * A held upload decided before it is scored (response-early.ts): the verdict from classification
 * alone is the one scoring would give, whatever the score, or there is none and the decision waits
 * for the pipeline's turn. Checked against core/response/match's decideAction on every score.
 */
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../src/background/db';
import { RiskHistory } from '../../../src/background/history';
import { Outbox } from '../../../src/background/outbox';
import { classifyObserved, scoreClassified, type ClassifiedUpload, type PipelineDeps, type ScoredUpload } from '../../../src/background/pipeline';
import { createUploadPipeline } from '../../../src/background/upload-queue';
import { UploadStore } from '../../../src/background/upload-store';
import { effectiveConfig } from '../../../src/core/effective-config';
import { UploadObserved } from '../../../src/core/schema/messages';
import { allowedBeforeScoring, factsBeforeScoring, verdictBeforeScoring, type FactsBeforeScoring } from '../../../src/background/response-early';
import type { Allowances } from '../../../src/core/response/allowances';
import { decide } from '../../../src/core/response/decide';
import { decideAction, type ActionVerdict, type FileFacts } from '../../../src/core/response/match';
import { SEVERITIES, type Severity } from '../../../src/core/schema/identifiers';
import type { ResponseConditions, ResponseRule } from '../../../src/core/schema/response';

const cloud = (watchlists: string[] = []): FactsBeforeScoring['destination'] => ({
  category: 'cloud_storage',
  serviceId: 'dropbox',
  trusted: false,
  watchlists,
});
const sheet = (over: Partial<FactsBeforeScoring> = {}): FactsBeforeScoring => ({
  fileCategory: 'spreadsheet',
  channel: 'file_picker',
  destination: cloud(),
  ...over,
});
const rule = (id: string, action: ResponseRule['action'], when?: ResponseConditions): ResponseRule => ({ id, action, ...(when && { when }) });
const summary = (v: ActionVerdict | undefined) => v && { action: v.action, rule: v.rule?.id, file: v.decidingFile };

describe('verdictBeforeScoring', () => {
  it.each([
    ['no rule', [], [sheet()], { action: 'allow', rule: undefined, file: undefined }],
    ['a rule on the destination and category', [rule('b', 'block', { fileCategories: ['spreadsheet'] })], [sheet()], { action: 'block', rule: 'b', file: 0 }],
    [
      'a category rule that does not match',
      [rule('b', 'block', { fileCategories: ['executable'] })],
      [sheet()],
      { action: 'allow', rule: undefined, file: undefined },
    ],
    ['a severity rule that could apply', [rule('s', 'block', { minSeverity: 'high' }), rule('n', 'notify')], [sheet()], undefined],
    ['an indicator rule that could apply', [rule('i', 'warn', { indicators: ['first_use_of_destination'] })], [sheet()], undefined],
    [
      'a severity rule for another place',
      [rule('s', 'block', { minSeverity: 'high', destinationCategories: ['ai_tools'] }), rule('n', 'notify')],
      [sheet()],
      { action: 'notify', rule: 'n', file: 0 },
    ],
    [
      'a severity rule after the deciding one',
      [rule('n', 'notify'), rule('s', 'block', { minSeverity: 'high' })],
      [sheet()],
      { action: 'notify', rule: 'n', file: 0 },
    ],
    ['minimum severity none (every score)', [rule('w', 'warn', { minSeverity: 'none' })], [sheet()], { action: 'warn', rule: 'w', file: 0 }],
    [
      'a trusted destination',
      [rule('b', 'block')],
      [sheet({ destination: { ...cloud(), trusted: true } })],
      { action: 'allow', rule: undefined, file: undefined },
    ],
    [
      'a watchlist the user is on',
      [rule('b', 'block', { watchlists: ['blocked_uploads'] })],
      [sheet({ destination: cloud(['blocked_uploads']) })],
      { action: 'block', rule: 'b', file: 0 },
    ],
    [
      'a watchlist the user is not on',
      [rule('b', 'block', { watchlists: ['blocked_uploads'] })],
      [sheet()],
      { action: 'allow', rule: undefined, file: undefined },
    ],
    [
      'the strictest file of several',
      [rule('b', 'block', { fileCategories: ['executable'] }), rule('n', 'notify')],
      [sheet(), sheet({ fileCategory: 'executable' })],
      { action: 'block', rule: 'b', file: 1 },
    ],
    [
      'a file that depends on its score, beside a blocked one',
      [rule('s', 'block', { minSeverity: 'high', fileCategories: ['pdf'] }), rule('b', 'block', { fileCategories: ['executable'] })],
      [sheet({ fileCategory: 'executable' }), sheet({ fileCategory: 'pdf' })],
      undefined,
    ],
  ] as const)('%s', (_label, rules, files, expected) => {
    expect(summary(verdictBeforeScoring(rules as readonly ResponseRule[], files as readonly FactsBeforeScoring[]))).toEqual(expected);
  });

  // Rules and files drawn from a small space (a fixed seed), every score tried: a verdict before
  // scoring must be the verdict of every score, and rules without score conditions always give one.
  it('gives the verdict scoring would give, whatever the scores', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const maybe = <T>(value: T): T | undefined => (random() < 0.4 ? value : undefined);
    const INDICATORS = ['first_use_of_destination', 'off_hours'];
    const scoresOf = (n: number): { severity: Severity; indicators: string[] }[][] => {
      const one = SEVERITIES.flatMap((severity) => [[], [INDICATORS[0]!], [INDICATORS[1]!], INDICATORS].map((indicators) => ({ severity, indicators })));
      return n === 1 ? one.map((s) => [s]) : one.flatMap((a) => one.map((b) => [a, b]));
    };
    let determined = 0;
    for (let round = 0; round < 400; round++) {
      const rules = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
        const when: ResponseConditions = {
          ...(maybe(1) && { destinationCategories: [pick(['cloud_storage', 'ai_tools'] as const)] }),
          ...(maybe(1) && { fileCategories: [pick(['spreadsheet', 'executable'] as const)] }),
          ...(maybe(1) && { channels: [pick(['file_picker', 'paste'] as const)] }),
          ...(maybe(1) && { minSeverity: pick(SEVERITIES) }),
          ...(maybe(1) && { indicators: [pick(INDICATORS)] }),
        };
        return rule(`r${i}`, pick(['allow', 'notify', 'warn', 'block'] as const), when);
      });
      const files = Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
        sheet({
          fileCategory: pick(['spreadsheet', 'executable'] as const),
          channel: pick(['file_picker', 'paste'] as const),
          destination: { ...cloud(), category: pick(['cloud_storage', 'ai_tools'] as const), trusted: random() < 0.1 },
        }),
      );
      const early = verdictBeforeScoring(rules, files);
      const scoreFree = rules.every((r) => (r.when?.minSeverity ?? 'none') === 'none' && !r.when?.indicators?.length);
      if (scoreFree) expect(early).toBeDefined();
      if (!early) continue;
      determined++;
      for (const scores of scoresOf(files.length)) {
        const facts: FileFacts[] = files.map((f, i) => ({ ...f, ...scores[i]! }));
        expect(summary(decideAction(rules, facts))).toEqual(summary(early));
      }
    }
    // The draw is not degenerate: both outcomes happen often.
    expect(determined).toBeGreaterThan(100);
    expect(determined).toBeLessThan(390);
  });
});

describe('a held upload in the pipeline', () => {
  const dropbox = { tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0 };
  const pick = (actionId: string, name: string) =>
    UploadObserved.parse({
      type: 'upload/observed',
      actionId,
      channel: 'file_picker',
      trustedEvent: true,
      hold: true,
      files: [{ name, size: 8, mimeType: 'text/csv', headBase64: btoa('a,b\n1,2\n') }],
    });

  /** A pipeline whose stores wait until `release()`: the upload before the held one is still being stored. */
  async function slowStores() {
    const db = await openDatabase(`response-early-${Math.random()}`);
    const outbox = new Outbox({
      db,
      fetch: (async () => new Response(null)) as unknown as typeof fetch,
      now: () => 0,
      random: () => 0,
      target: async () => undefined,
    });
    let id = 0;
    const deps: PipelineDeps = {
      config: async () => effectiveConfig({}, []),
      device: async () => ({ browser: 'Chrome', browserVersion: '1', os: 'linux', extensionVersion: '0.1.0' }),
      store: new UploadStore(db, new RiskHistory(db, 'UTC'), outbox),
      newId: () => `0190a0e2-7c4b-7def-8abc-${String(++id).padStart(12, '0')}`,
      now: () => Date.parse('2026-11-23T10:00:00Z'),
      timeZone: 'UTC',
      afterStore: () => undefined,
    };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const commit = deps.store.commit.bind(deps.store);
    vi.spyOn(deps.store, 'commit').mockImplementation(async (...args) => {
      await released;
      return commit(...args);
    });
    return { pipeline: createUploadPipeline(deps), release, deps };
  }

  it('answers early, while the upload before it is stored, and scores it in its turn with the same classification', async () => {
    const { pipeline, release } = await slowStores();
    const before = pipeline.observed(pick('act-0', 'before.csv'), dropbox);
    const early: ClassifiedUpload[] = [];
    const inTurn: ScoredUpload[] = [];
    const reply = await pipeline.held(pick('act-1', 'held.csv'), dropbox, {
      early: async (upload) => (early.push(upload!), 'early'),
      decide: async (scored) => (inTurn.push(scored!), { reply: 'in turn' }),
    });
    expect(reply).toBe('early');
    expect(inTurn).toEqual([]);
    release();
    await before;
    await pipeline.inTurn(async () => undefined);
    expect(inTurn.map((s) => s.events.map((e) => [e.file.name, e.file.category, e.destination.serviceId]))).toEqual([[['held.csv', 'spreadsheet', 'dropbox']]]);
    expect(early[0]!.items[0]!.classified.verdict.category).toBe('spreadsheet');
  });

  it('gives an allowed upload the decision scoring would give, reasons aside', async () => {
    const { deps } = await slowStores();
    const who = { user: 'Ana@acme.example', watchlists: [] };
    const now = Date.parse('2026-11-23T10:00:00Z');
    const warnAi = rule('ai', 'warn', { destinationCategories: ['ai_tools'] });
    const cases: [ResponseRule[], string, Allowances][] = [
      [[], 'https://www.dropbox.com/home', {}],
      [[rule('ok', 'allow', { fileCategories: ['spreadsheet'] }), rule('b', 'block')], 'https://www.dropbox.com/home', {}],
      [
        [{ ...warnAi, message: 'Think twice.', learnMoreUrl: 'https://intranet.example/dlp' }],
        'https://chatgpt.com/',
        { 'ana@acme.example\u0000chatgpt': { until: now + 1, ruleId: 'ai' } },
      ],
    ];
    for (const [rules, url, allowances] of cases) {
      const sender = { tab: { url, title: '' }, frameId: 0 };
      const upload = (await classifyObserved(pick('act-1', 'held.csv'), sender, deps))!;
      const verdict = verdictBeforeScoring(rules, factsBeforeScoring(upload, who.watchlists))!;
      const early = allowedBeforeScoring(verdict, upload, who, allowances, now);
      const scored = decide(rules, (await scoreClassified(upload, deps)).events, who, allowances, now);
      expect(early).toEqual({ ...scored, decision: { ...scored.decision, reasons: [], severity: 'none' } });
      expect(early!.decision.action).toBe('allow');
    }
    // A block is no allow: the dialog needs the score.
    const upload = (await classifyObserved(pick('act-2', 'held.csv'), { tab: { url: 'https://www.dropbox.com/home' }, frameId: 0 }, deps))!;
    expect(allowedBeforeScoring({ action: 'block', rule: rule('b', 'block'), decidingFile: 0 }, upload, who, {}, now)).toBeUndefined();
  });

  it('answers in turn when the early step has no answer, or fails', async () => {
    for (const answer of [async () => undefined, async () => Promise.reject(new Error('boom'))]) {
      const { pipeline, release } = await slowStores();
      void pipeline.observed(pick('act-0', 'before.csv'), dropbox);
      let asked = false;
      let answered = false;
      const early = () => ((asked = true), answer());
      const reply = pipeline
        .held(pick('act-1', 'held.csv'), dropbox, { early, decide: async () => ({ reply: 'in turn' }) })
        .then((r) => ((answered = true), r));
      await vi.waitFor(() => expect(asked).toBe(true));
      // Everything the early step set off has run (a task comes after every pending microtask).
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);
      release();
      expect(await reply).toBe('in turn');
    }
  });
});
