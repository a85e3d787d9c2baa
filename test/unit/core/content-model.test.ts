// @vitest-environment node
/**
 * The content model's pure parts: features as Magika computes them, labels in our categories, the
 * session's batching, budget and failures, and the combine policy. A fake runner stands in for the
 * network here; content-model-inference.test.ts runs the real one.
 */
import { describe, expect, it } from 'vitest';
import { classifyFile } from '../../../src/core/files/classify';
import { modelQuestion, refineWithModel, type ContentOpinion } from '../../../src/core/files/content-model/combine';
import { edgeBlocks, extractFeatures, featuresFromBlocks } from '../../../src/core/files/content-model/features';
import { LABELS, interpretScores } from '../../../src/core/files/content-model/labels';
import { ContentModelSession, type ContentModelRunner } from '../../../src/core/files/content-model/session';
import { ContentModelBudgets } from '../../../src/core/files/content-model/budgets';
import { FILE_CATEGORIES } from '../../../src/core/schema/identifiers';
import { MAGIKA_CONFIG } from '../../harness/content-model-node';

const enc = (s: string) => new TextEncoder().encode(s);
const LABEL_COUNT = MAGIKA_CONFIG.target_labels_space.length;

/** Scores that put `score` on `label` and spread the rest evenly. */
function scoresFor(label: string, score = 0.97): Float32Array {
  const i = MAGIKA_CONFIG.target_labels_space.indexOf(label);
  if (i < 0) throw new Error(`no label ${label}`);
  const out = new Float32Array(LABEL_COUNT).fill((1 - score) / (LABEL_COUNT - 1));
  out[i] = score;
  return out;
}

/** A runner that answers `label` for every row, records its batches, and advances a fake clock. */
function fakeRunner(label: string | ((row: Int32Array) => string), clock: { t: number }, msPerRow = 10) {
  const batches: number[] = [];
  const runner: ContentModelRunner = {
    async predict(rows) {
      batches.push(rows.length);
      clock.t += msPerRow * rows.length;
      return rows.map((r) => scoresFor(typeof label === 'string' ? label : label(r)));
    },
  };
  return { runner, batches };
}

function session(runner: ContentModelRunner | (() => Promise<ContentModelRunner>), clock: { t: number }, budgetMs = 1000) {
  const load = typeof runner === 'function' ? runner : () => Promise.resolve(runner);
  return new ContentModelSession({ config: MAGIKA_CONFIG, load, budgetMs, now: () => clock.t, estimatedRowMs: 10, sleep: () => new Promise(() => {}) });
}

describe('features', () => {
  it('strips outer whitespace and pads beg on the right, end on the left (as magika.ts does)', () => {
    const f = featuresFromBlocks(enc('  \nab'), enc('yz \n'), { beg_size: 4, end_size: 4, padding_token: 256 });
    expect([...f]).toEqual([97, 98, 256, 256, 256, 256, 121, 122]);
  });

  it('uses the whole file when the head holds it, and needs the tail when it does not', () => {
    const whole = enc('x'.repeat(5000));
    expect(edgeBlocks({ head: whole, size: whole.length }, 4096)?.last.length).toBe(4096);
    const big = { head: whole.subarray(0, 4096), size: 100_000 };
    expect(extractFeatures(big, MAGIKA_CONFIG)).toBeUndefined();
    const tail = enc('}\n'.repeat(2048));
    const f = extractFeatures({ ...big, tail }, MAGIKA_CONFIG)!;
    expect(f.length).toBe(2048);
    expect(f[2047]).toBe('}'.charCodeAt(0));
  });

  it('joins a short tail to the end of the head when the two meet', () => {
    const file = enc('a'.repeat(65_600) + 'END');
    const head = file.subarray(0, 65_536);
    const blocks = edgeBlocks({ head, tail: file.subarray(file.length - 100), size: file.length }, 4096)!;
    expect(blocks.last).toEqual(file.subarray(file.length - 4096));
    expect(edgeBlocks({ head, tail: file.subarray(file.length - 100), size: file.length + 10_000 }, 4096)).toBeUndefined();
  });
});

describe('labels', () => {
  it('gives every label of the model a category we know', () => {
    for (const label of MAGIKA_CONFIG.target_labels_space) expect(FILE_CATEGORIES).toContain(LABELS.get(label)?.category);
  });

  it.each([
    ['json', 'source_code'],
    ['yaml', 'source_code'],
    ['toml', 'source_code'],
    ['ini', 'source_code'],
    ['xml', 'source_code'],
    ['parquet', 'other'],
    ['swf', 'other'],
    ['verilog', 'source_code'],
    ['shell', 'script'],
    ['markdown', 'document'],
  ])('%s → %s (issue 16 product decisions and the languages it names)', (label, category) => {
    expect(LABELS.get(label)?.category).toBe(category);
  });

  it("follows Magika's thresholds: over its threshold a label is the verdict, random content never is", () => {
    expect(interpretScores(scoresFor('python', 0.9), MAGIKA_CONFIG)).toMatchObject({ confident: true, best: { label: 'python', code: true } });
    expect(interpretScores(scoresFor('randombytes', 0.99), MAGIKA_CONFIG)).toMatchObject({ confident: false });
    expect(interpretScores(scoresFor('json', 0.99), MAGIKA_CONFIG)).toMatchObject({ confident: true, best: { code: false } });
  });

  it('under its threshold, a label still names its category when the labels of that category together pass 0.5', () => {
    const mixed = (parts: Record<string, number>) => {
      const out = new Float32Array(LABEL_COUNT);
      for (const [label, score] of Object.entries(parts)) out[MAGIKA_CONFIG.target_labels_space.indexOf(label)] = score;
      return out;
    };
    expect(interpretScores(mixed({ groovy: 0.3, java: 0.25, pebin: 0.25, png: 0.2 }), MAGIKA_CONFIG)).toMatchObject({
      confident: true,
      best: { label: 'groovy' },
      categoryScore: expect.closeTo(0.55, 5),
    });
    expect(interpretScores(mixed({ groovy: 0.3, markdown: 0.25, pebin: 0.25, png: 0.2 }), MAGIKA_CONFIG)).toMatchObject({ confident: false });
    expect(interpretScores(mixed({ markdown: 0.7, txt: 0.3 }), MAGIKA_CONFIG)).toMatchObject({ confident: true, categoryScore: expect.closeTo(1, 5) });
  });
});

describe('session', () => {
  const text = enc('module top;\nendmodule\n'.repeat(4));

  it('batches the requests of one turn into one inference', async () => {
    const clock = { t: 0 };
    const { runner, batches } = fakeRunner('verilog', clock);
    const s = session(runner, clock);
    const answers = await Promise.all(Array.from({ length: 5 }, () => s.ask({ head: text, size: text.length })));
    expect(batches).toEqual([5]);
    expect(answers.every((a) => a.kind === 'prediction' && a.result.best.label === 'verilog')).toBe(true);
  });

  it('one row at a time with a pause between rows: work that arrives meanwhile runs before the next row, within the budget', async () => {
    const clock = { t: 0 };
    const log: string[] = [];
    const { runner } = fakeRunner('verilog', clock, 10);
    const predict = runner.predict.bind(runner);
    runner.predict = async (rows) => (log.push(`row at ${clock.t}`), predict(rows));
    const s = new ContentModelSession({
      config: MAGIKA_CONFIG,
      load: async () => runner,
      budgetMs: 30,
      now: () => clock.t,
      estimatedRowMs: 10,
      maxBatch: 1,
      // A message arrives during each pause (the pause itself costs no model time).
      pause: async () => void log.push('message'),
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => s.ask({ head: text, size: text.length })));
    expect(log).toEqual(['row at 0', 'message', 'row at 10', 'message', 'row at 20', 'message']);
    expect(answers.map((a) => a.kind)).toEqual(['prediction', 'prediction', 'prediction', 'skipped', 'skipped']);
  });

  it('stops asking the model once the budget is spent, and says so', async () => {
    const clock = { t: 0 };
    const { runner, batches } = fakeRunner('verilog', clock, 10);
    const s = session(runner, clock, 30);
    const answers = await Promise.all(Array.from({ length: 10 }, () => s.ask({ head: text, size: text.length })));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(3);
    expect(answers.filter((a) => a.kind === 'skipped' && /30 ms model budget is spent/.test(a.reason))).toHaveLength(7);
    expect(await s.ask({ head: text, size: text.length })).toMatchObject({ kind: 'skipped' });
  });

  it('skips a file under the model minimum and a long file without its tail, without loading the model', async () => {
    let loads = 0;
    const s = session(() => (loads++, Promise.reject(new Error('not wanted'))), { t: 0 });
    expect(await s.ask({ head: enc('abc'), size: 3 })).toEqual({ kind: 'skipped', reason: "the file is under the model's 8 bytes" });
    expect(await s.ask({ head: text, size: 1_000_000 })).toEqual({ kind: 'skipped', reason: "the file's last bytes were not sent" });
    expect(loads).toBe(0);
  });

  it('turns a model that fails to load or to run into skipped answers, never a rejection', async () => {
    const broken = session(() => Promise.reject(new Error('group1-shard1of1.bin fails its checksum')), { t: 0 });
    expect(await broken.ask({ head: text, size: text.length })).toEqual({
      kind: 'skipped',
      reason: 'the model is unavailable: group1-shard1of1.bin fails its checksum',
    });
    const throwing = session({ predict: () => Promise.reject(new Error('out of memory')) }, { t: 0 });
    expect(await throwing.ask({ head: text, size: text.length })).toEqual({ kind: 'skipped', reason: 'the model failed: out of memory' });
  });

  it('answers every file even when its own bookkeeping fails (a clock that throws), and keeps answering', async () => {
    let calls = 0;
    const s = new ContentModelSession({
      config: MAGIKA_CONFIG,
      load: () => Promise.resolve(fakeRunner('verilog', { t: 0 }).runner),
      budgetMs: 1000,
      now: () => {
        if (++calls === 1) throw new Error('clock broke');
        return 0;
      },
    });
    expect(await s.ask({ head: text, size: text.length })).toEqual({ kind: 'skipped', reason: 'the model failed: clock broke' });
    expect(await s.ask({ head: text, size: text.length })).toMatchObject({ kind: 'prediction' });
  });

  it('keeps one session per action id across its messages', () => {
    const clock = { t: 0 };
    const budgets = new ContentModelBudgets({ config: MAGIKA_CONFIG, load: () => Promise.reject(new Error('x')), budgetMs: 100, now: () => clock.t }, 2);
    const a = budgets.sessionFor('a');
    expect(budgets.sessionFor('a')).toBe(a);
    budgets.sessionFor('b');
    budgets.sessionFor('c');
    expect(budgets.sessionFor('a')).not.toBe(a);
  });
});

describe('combine', () => {
  const prose: ContentOpinion = { ext: 'txt', mime: 'text/plain', category: 'document', fromText: true, code: false, evidence: 'plain text (prose)' };
  const png: ContentOpinion = { ext: 'png', mime: 'image/png', category: 'image', fromText: false, code: false, evidence: 'PNG signature' };
  const zip: ContentOpinion = { ext: 'zip', mime: 'application/zip', category: 'archive', fromText: false, code: false, evidence: 'ZIP' };

  it('asks only where signatures and text analysis are silent or unsure', () => {
    expect(modelQuestion(png, 100)).toBeUndefined();
    expect(modelQuestion({ ...prose, ext: 'py', code: true, evidence: 'Python source (def)' }, 100)).toBeUndefined();
    expect(modelQuestion(prose, 100)).toMatch(/prose/);
    expect(modelQuestion(zip, 100)).toMatch(/container/);
    expect(modelQuestion(undefined, 100)).toMatch(/neither/);
    expect(modelQuestion(undefined, 0)).toBeUndefined();
    const csv = (evidence: string): ContentOpinion => ({ ...prose, ext: 'csv', category: 'spreadsheet', evidence });
    expect(modelQuestion(csv('comma-separated values (5 columns over 50 lines)'), 100)).toBeUndefined();
    expect(modelQuestion(csv('semicolon-separated values (4 columns over 12 lines)'), 100)).toMatch(/semicolon/);
    expect(modelQuestion(csv('comma-separated values (2 columns over 9 lines)'), 100)).toMatch(/2 columns/);
  });

  it('takes a confident text label for unsure text, and keeps the first opinion when the label does not fit', async () => {
    const clock = { t: 0 };
    const bytes = { head: enc('x'.repeat(100)), size: 100 };
    const verilog = await refineWithModel(prose, bytes, session(fakeRunner('verilog', clock).runner, clock));
    expect(verilog.content).toMatchObject({ ext: 'v', category: 'source_code', code: true });
    const binary = await refineWithModel(prose, bytes, session(fakeRunner('pebin', clock).runner, clock));
    expect(binary.content).toBe(prose);
    expect(binary.evidence[0]).toMatch(/does not fit; kept plain text/);
    const docx = await refineWithModel(zip, bytes, session(fakeRunner('docx', clock).runner, clock));
    expect(docx.content).toMatchObject({ ext: 'docx', category: 'document' });
  });

  it('classifyFile with a broken model falls back to today’s verdict, with the reason in the evidence', async () => {
    const head = enc('module counter(input clk);\n  reg [3:0] n;\n  always @(posedge clk) n <= n + 1;\nendmodule\n');
    const broken = session(() => Promise.reject(new Error('WASM refused by the CSP')), { t: 0 });
    const [without, withBroken] = await Promise.all([
      classifyFile({ name: 'c.v', size: head.length, head }),
      classifyFile({ name: 'c.v', size: head.length, head }, { contentModel: broken }),
    ]);
    expect(withBroken.categoryByContent).toBe(without.categoryByContent);
    expect(withBroken.evidence.at(-1)).toMatch(/content model not used .*unavailable: WASM refused by the CSP/);
  });

  it.each([
    ['dmg', 'koly', 'virtual_disk_image'],
    ['vhd', 'conectix', 'virtual_disk_image'],
  ])('a %s is named by its trailer in the tail, before any model, where the head looked like bzip2', async (ext, trailer) => {
    const head = new Uint8Array(65_536);
    head.set(enc('BZh91AY&SY'));
    const tail = new Uint8Array(4096);
    tail.set(enc(trailer), 4096 - 512);
    const input = { name: `disk.${ext}`, size: 10_000_000, head, tail };
    const noModel = session(() => Promise.reject(new Error('never loaded')), { t: 0 });
    const verdict = await classifyFile(input, { contentModel: noModel });
    expect(verdict).toMatchObject({ categoryByContent: 'virtual_disk_image', mismatch: false });
    expect(verdict.evidence.join('\n')).toMatch(/at the end of the file/);
    // Without the tail, the head alone says bzip2 (an archive), as before.
    expect((await classifyFile({ ...input, tail: undefined }, { contentModel: noModel })).categoryByContent).toBe('archive');
  });
});
