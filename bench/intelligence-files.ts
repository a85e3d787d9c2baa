/**
 * bench/intelligence-files (issue 16, items 1, 2 and 5): per-category accuracy of the file category
 * from content on our own labelled set (bench/intelligence-files.tsv, built and documented by
 * bench/intelligence-files-set.ts), today's classifier (signatures + text analysis, the first
 * 64 KiB) beside the new one (the same, plus the Magika model where they are silent or unsure, with
 * the last 4 KiB) in the same run; then the model's cost: load, one inference, batches, and how
 * many files of the set asked it. Goal: ≥ 95 % from content.
 *
 * `--dev` classifies the development half only (no held-out file is read, for studying the policy
 * between full runs); `--extra` adds the additional development set (bench/data/
 * intelligence-files-dev.tsv, its documents and scripts, bench/data/intelligence-files-dev-text.tsv, and its
 * scripts, bench/data/intelligence-files-dev-scripts.tsv, all built by bench/intelligence-files-dev-set.ts); `--misses` lists the
 * development files (either set) the new classifier gets wrong, never a held-out one.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { classifyFile, type FileInput, type FileVerdict } from '../src/core/files/classify';
import { extractFeatures, TAIL_BYTES } from '../src/core/files/content-model/features';
import type { FileCategory } from '../src/core/schema/identifiers';
import { LIMITS } from '../src/core/schema/limits';
import { MAGIKA_CONFIG, nodeRunner, nodeSession } from '../test/harness/content-model-node';
import { LINGUIST_COMMIT, LINGUIST_GIT, SET_FILE, type SetEntry } from './intelligence-files-set';
import { DEV_SET_FILE, TEXT_SET_FILE } from './intelligence-files-dev-set';
import { githubContents, SCRIPT_SET_FILE } from './intelligence-files-dev-scripts';
import { fmt, printResult } from './lib';

interface Sample extends FileInput {
  label: FileCategory;
  source: string;
  /**
   * `dev` files may be looked at one by one (--misses) to study the policy; `held-out` files never
   * are. `extra-dev`: the additional development set (--extra), outside the evaluation set.
   */
  split: 'dev' | 'held-out' | 'extra-dev';
}

/** FNV-1a of the path: a fixed split that does not depend on the order of the list. */
export function splitOf(path: string): 'dev' | 'held-out' {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return h % 2 === 0 ? 'dev' : 'held-out';
}

function readSet(file: URL): SetEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [source, path, label, rule] = l.split('\t') as [SetEntry['source'], string, FileCategory, string];
      return { source, path, label, rule };
    });
}

function edges(bytes: Uint8Array): Pick<FileInput, 'head' | 'tail' | 'size'> {
  const head = bytes.subarray(0, LIMITS.headBytes);
  return { size: bytes.length, head, ...(bytes.length > head.length && { tail: bytes.subarray(bytes.length - TAIL_BYTES) }) };
}

/** Linguist samples in one `git cat-file --batch` call; only their heads and tails are kept. */
function linguistSamples(entries: SetEntry[], split: (path: string) => Sample['split']): Sample[] {
  if (entries.length === 0 || !existsSync(LINGUIST_GIT)) return [];
  const out = execFileSync('git', ['-C', LINGUIST_GIT, 'cat-file', '--batch'], {
    input: entries.map((e) => `${LINGUIST_COMMIT}:${e.path}\n`).join(''),
    maxBuffer: 256 << 20,
  });
  const samples: Sample[] = [];
  let at = 0;
  for (const e of entries) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString();
    const m = / blob (\d+)$/.exec(header);
    if (!m) {
      at = nl + 1;
      continue;
    }
    const size = Number(m[1]);
    const bytes = new Uint8Array(out.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
    samples.push({ name: e.path.split('/').pop()!, ...edges(bytes), label: e.label, source: `linguist ${e.rule}`, split: split(e.path) });
  }
  return samples;
}

function localSample(e: SetEntry, split: (path: string) => Sample['split']): Sample | undefined {
  if (!existsSync(e.path)) return undefined;
  const size = statSync(e.path).size;
  const fd = openSync(e.path, 'r');
  try {
    const head = new Uint8Array(Math.min(size, LIMITS.headBytes));
    readSync(fd, head, 0, head.length, 0);
    let tail: Uint8Array | undefined;
    if (size > head.length) {
      tail = new Uint8Array(Math.min(size, TAIL_BYTES));
      readSync(fd, tail, 0, tail.length, size - tail.length);
    }
    return { name: e.path.split('/').pop()!, size, head, ...(tail && { tail }), label: e.label, source: `local ${e.rule}`, split: split(e.path) };
  } finally {
    closeSync(fd);
  }
}

/** Files of snapshots fetched to this machine (the scripts development set), `owner/name:path`. */
function githubSamples(entries: SetEntry[], split: (path: string) => Sample['split']): Sample[] {
  const contents = githubContents(entries);
  return entries.flatMap((e) => {
    const bytes = e.source === 'github' ? contents.get(e.path) : undefined;
    return bytes ? [{ name: e.path.split('/').pop()!, ...edges(bytes), label: e.label, source: `github ${e.rule}`, split: split(e.path) }] : [];
  });
}

type Tally = Record<string, { n: number; today: number; model: number; todayFinal: number; modelFinal: number }>;

export async function run(): Promise<void> {
  // --dev: the development half only (no held-out file is classified or counted), for studying
  // the policy between the full runs that report held-out beside dev; --extra adds the additional
  // development set (bench/intelligence-files-dev-set.ts).
  const devOnly = process.argv.includes('--dev');
  const extra = process.argv.includes('--extra');
  const load = (entries: SetEntry[], split: (path: string) => Sample['split']) => [
    ...linguistSamples(
      entries.filter((e) => e.source === 'linguist'),
      split,
    ),
    ...entries.filter((e) => e.source === 'local').flatMap((e) => localSample(e, split) ?? []),
    ...githubSamples(entries, split),
  ];
  const extraSets = extra ? [DEV_SET_FILE, TEXT_SET_FILE, SCRIPT_SET_FILE].filter((file) => existsSync(file)) : [];
  const entries = [...readSet(SET_FILE), ...extraSets.flatMap(readSet)];
  const samples = [...load(readSet(SET_FILE), splitOf).filter((s) => !devOnly || s.split === 'dev'), ...load(extraSets.flatMap(readSet), () => 'extra-dev')];
  console.log(
    `\nbench/intelligence-files: ${samples.length} of ${entries.length} listed files found (linguist at ${LINGUIST_GIT}, local files of this machine)`,
  );

  const loadStart = performance.now();
  await nodeRunner();
  const loadMs = performance.now() - loadStart;
  // One session for the whole set and no budget: this measures what the model can do; the budget's
  // effect on a real action is measured below.
  const session = nodeSession();
  let asked = 0;
  const started = performance.now();
  // One file at a time: classifyFile calls that overlap share file-type's parser, whose state one
  // call overwrites under another (measured here: 107 of 647 local files changed verdict), so a
  // concurrent run would measure that race, not the classifiers.
  const verdicts: [Sample, FileVerdict, FileVerdict][] = [];
  for (const s of samples) {
    const { tail: _tail, ...withoutTail } = s;
    const model = await classifyFile(s, { contentModel: session });
    if (model.evidence.some((e) => /^content model (\(|unsure|said)/.test(e))) asked++;
    verdicts.push([s, await classifyFile(withoutTail), model]);
  }
  const classifyMs = performance.now() - started;
  const splits: Sample['split'][] = [...(devOnly ? [] : (['held-out'] as const)), 'dev', ...(extra ? (['extra-dev'] as const) : [])];
  for (const split of splits)
    report(
      split,
      verdicts.filter(([s]) => s.split === split),
    );
  if (process.argv.includes('--misses')) {
    for (const [s, today, model] of verdicts) {
      // "(today right)": a miss the model brought, which the classifier without it did not make.
      const brought = today.categoryByContent === s.label ? ' (today right)' : '';
      if (s.split !== 'held-out' && model.categoryByContent !== s.label)
        console.log(`  ${s.split} miss${brought}: ${s.label} ← ${model.categoryByContent}  ${s.source}  ${s.name}  | ${model.evidence.slice(1).join(' | ')}`);
    }
  }
  printResult(
    'content model use over the whole set',
    [
      ['files that asked the model', `${asked} of ${samples.length} (signatures and text analysis were silent or unsure)`],
      ['model time', `${fmt(session.spent)} ms (${fmt(session.spent / Math.max(asked, 1), 1)} ms per file asked); whole run ${fmt(classifyMs)} ms`],
    ],
    [],
  );
  if (!devOnly) await costs(loadMs);
}

const pct = (a: number, n: number) => (n ? `${fmt((100 * a) / n, 1)} %` : '—').padStart(7);

function report(split: string, verdicts: [Sample, FileVerdict, FileVerdict][]): void {
  const tally: Tally = {};
  const all = { n: 0, today: 0, model: 0, todayFinal: 0, modelFinal: 0 };
  for (const [s, today, model] of verdicts) {
    const t = (tally[s.label] ??= { n: 0, today: 0, model: 0, todayFinal: 0, modelFinal: 0 });
    for (const x of [t, all]) {
      x.n++;
      if (today.categoryByContent === s.label) x.today++;
      if (model.categoryByContent === s.label) x.model++;
      if (today.category === s.label) x.todayFinal++;
      if (model.category === s.label) x.modelFinal++;
    }
  }
  const line = (t: Tally[string]) =>
    `from content: today ${pct(t.today, t.n)}  new ${pct(t.model, t.n)}    final category: today ${pct(t.todayFinal, t.n)}  new ${pct(t.modelFinal, t.n)}`;
  const rows: [string, string][] = Object.entries(tally)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, t]) => [`${category} (${t.n})`, line(t)]);
  rows.push([`all (${all.n})`, line(all)]);
  printResult(
    `${split} files: accuracy by category`,
    rows,
    split === 'held-out' ? [{ label: 'file category from content ≥ 95 %', met: all.model / all.n >= 0.95 }] : [],
  );
}

/** One inference, batches, and a budgeted action, beside today's classifyFile in the same run. */
async function costs(loadMs: number): Promise<void> {
  const runner = await nodeRunner();
  const row = (seed: number) => Int32Array.from({ length: MAGIKA_CONFIG.beg_size + MAGIKA_CONFIG.end_size }, (_, i) => (i * 31 + seed * 7) % 257);
  await runner.predict([row(0)]);
  const time = async (n: number, repeat: number) => {
    const rows = Array.from({ length: n }, (_, i) => row(i + 1));
    const t: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const s = performance.now();
      await runner.predict(rows);
      t.push(performance.now() - s);
    }
    return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]! / n;
  };
  const one = await time(1, 7);
  // A 300-byte file: its input is mostly padding, which the network computes in closed form.
  const shortText = new TextEncoder().encode('module Main where\n\nmain :: IO ()\nmain = mapM_ print (zip [1 ..] (words "a short file"))\n'.repeat(3));
  const shortRow = extractFeatures({ head: shortText, size: shortText.length }, MAGIKA_CONFIG)!;
  const shortTimes: number[] = [];
  for (let r = 0; r < 7; r++) {
    const s = performance.now();
    await runner.predict([shortRow]);
    shortTimes.push(performance.now() - s);
  }
  const short = shortTimes.sort((a, b) => a - b)[3]!;
  const b16 = await time(16, 3);
  const b64 = await time(64, 2);
  const text = new TextEncoder().encode('module top(input clk, output reg q);\n  always @(posedge clk) q <= ~q;\nendmodule\n'.repeat(20));
  const baselineStart = performance.now();
  for (let i = 0; i < 200; i++) await classifyFile({ name: 'top.v', size: text.length, head: text });
  const baseline = (performance.now() - baselineStart) / 200;
  // A 100-file action of unsure text with the default budget: how many got the model, how long it took.
  const budgetMs = 250;
  const action = nodeSession(budgetMs);
  const actionStart = performance.now();
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => classifyFile({ name: `f${i}.v`, size: text.length, head: text }, { contentModel: action })),
  );
  const actionMs = performance.now() - actionStart;
  const modelled = results.filter((r) => r.evidence.some((e) => e.startsWith('content model ('))).length;
  const budgeted = results.filter((r) => r.evidence.some((e) => e.includes('model budget'))).length;
  printResult(
    `content model cost in Node ${process.version} (TF.js ${'4.22'} WASM backend, one thread)`,
    [
      ['load (read, sha256-check, WASM start, weights)', `${fmt(loadMs)} ms`],
      ['one inference, full input (a file of 2 KiB or more)', `${fmt(one, 1)} ms`],
      [`one inference, a ${shortText.length}-byte file`, `${fmt(short, 1)} ms`],
      ['batch of 16', `${fmt(b16, 1)} ms per file`],
      ['batch of 64', `${fmt(b64, 1)} ms per file`],
      ['baseline: classifyFile without the model', `${fmt(baseline, 2)} ms per file`],
      [
        `100 unsure files in one action, ${budgetMs} ms budget`,
        `${modelled} by the model, ${budgeted} by the fallback (evidence says so), ${fmt(actionMs)} ms in all`,
      ],
    ],
    [],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
