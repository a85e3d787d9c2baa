/** Shared helpers for benchmarks: a seeded random source, timing, and printing. */
import { performance } from 'node:perf_hooks';

/** mulberry32: deterministic, so every run measures the same inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Runs `fn` over every input, after a warm-up pass over the first `warmup` inputs; returns operations per second. */
export function throughput<T>(inputs: readonly T[], fn: (input: T) => unknown, warmup = Math.min(inputs.length, 20_000)): number {
  let sink = 0;
  for (let i = 0; i < warmup; i++) if (fn(inputs[i]!)) sink++;
  const start = performance.now();
  for (const input of inputs) if (fn(input)) sink++;
  const seconds = (performance.now() - start) / 1000;
  if (sink < 0) console.log(sink); // keeps the results observable
  return inputs.length / seconds;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface Goal {
  label: string;
  met: boolean;
}

export function printResult(title: string, rows: [string, string][], goals: Goal[]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n## ${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  for (const g of goals) console.log(`  goal: ${g.label} — ${g.met ? 'met' : 'NOT met'}`);
}
