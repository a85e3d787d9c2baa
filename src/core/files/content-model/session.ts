/**
 * One user action's use of the content model: its requests are batched (every request made in
 * the same turn of the event loop runs in one inference) and its model time is budgeted (once the
 * action's budget is spent, the rest of its files get the fallback, and their evidence says so).
 * Never throws and never rejects: a model that fails to load or to run is a `skipped` answer.
 */
import { extractFeatures, type FileBytes, type MagikaConfig } from './features';
import { interpretScores, type Interpretation } from './labels';

/** What runs the network: the background's TF.js runner, or a fake in tests. */
export interface ContentModelRunner {
  /** One row of scores (one per label) for each row of tokens. */
  predict(rows: readonly Int32Array[]): Promise<ArrayLike<number>[]>;
}

export type ModelAnswer = { kind: 'prediction'; result: Interpretation } | { kind: 'skipped'; reason: string };

export interface SessionOptions {
  config: MagikaConfig;
  /** The runner, loaded once by the caller (memoised); a rejection means the model is unavailable. */
  load: () => Promise<ContentModelRunner>;
  /** Model time this action may spend, load wait included, in milliseconds. */
  budgetMs: number;
  now: () => number;
  /** Rows per inference; a budget check runs between batches. */
  maxBatch?: number;
  /** A first guess of one row's cost, until a batch has been timed. */
  estimatedRowMs?: number;
  /** Runs `fn` after the current turn of the event loop, so the turn's requests batch together. */
  defer?: (fn: () => void) => void;
  /** Resolves after `ms`: bounds the wait for a model still loading. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Awaited between batches while files wait: gives the event loop back, so an action's model time
   * (up to its budget, in one stretch otherwise) does not hold up the messages that arrive meanwhile.
   */
  pause?: () => Promise<void>;
}

interface Pending {
  features: Int32Array;
  resolve: (answer: ModelAnswer) => void;
}

const defaultDefer = (fn: () => void) => void setTimeout(fn, 0);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ContentModelSession {
  private spentMs = 0;
  private rowMs: number;
  private queue: Pending[] = [];
  private scheduled = false;
  private draining: Promise<void> = Promise.resolve();
  private runner: ContentModelRunner | undefined;
  private unavailable: string | undefined;
  private readonly maxBatch: number;

  constructor(private readonly options: SessionOptions) {
    this.rowMs = options.estimatedRowMs ?? 40;
    this.maxBatch = options.maxBatch ?? 32;
  }

  get config(): MagikaConfig {
    return this.options.config;
  }

  /** Model time spent so far by this action (milliseconds). */
  get spent(): number {
    return this.spentMs;
  }

  /** What the model says about one file, or why it was not asked. */
  ask(bytes: FileBytes): Promise<ModelAnswer> {
    const { config } = this.options;
    if (bytes.size < config.min_file_size_for_dl || bytes.head.length === 0) {
      return Promise.resolve(skipped(`the file is under the model's ${config.min_file_size_for_dl} bytes`));
    }
    const features = extractFeatures(bytes, config);
    if (!features) return Promise.resolve(skipped("the file's last bytes were not sent"));
    if (this.unavailable) return Promise.resolve(skipped(this.unavailable));
    if (this.spentMs >= this.options.budgetMs) return Promise.resolve(skipped(this.budgetSpent()));
    return new Promise((resolve) => {
      this.queue.push({ features, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        (this.options.defer ?? defaultDefer)(() => {
          this.scheduled = false;
          // A drain that fails answers its files (never a hang) and leaves the chain usable.
          this.draining = this.draining.then(() => this.drain()).catch((error: unknown) => this.finishAll(skipped(`the model failed: ${message(error)}`)));
        });
      }
    });
  }

  private budgetSpent(): string {
    return `this action's ${this.options.budgetMs} ms model budget is spent`;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const runner = await this.runnerWithinBudget();
      if (typeof runner === 'string') {
        this.finishAll(skipped(runner));
        return;
      }
      const remaining = this.options.budgetMs - this.spentMs;
      const fits = Math.floor(remaining / this.rowMs);
      if (fits < 1) {
        this.finishAll(skipped(this.budgetSpent()));
        return;
      }
      const batch = this.queue.splice(0, Math.min(fits, this.maxBatch));
      const started = this.options.now();
      try {
        const scores = await runner.predict(batch.map((p) => p.features));
        if (scores.length !== batch.length) throw new Error(`${scores.length} answers for ${batch.length} files`);
        batch.forEach((p, i) => p.resolve({ kind: 'prediction', result: interpretScores(scores[i]!, this.options.config) }));
      } catch (error) {
        for (const p of batch) p.resolve(skipped(`the model failed: ${message(error)}`));
      } finally {
        const took = Math.max(0, this.options.now() - started);
        this.spentMs += took;
        this.rowMs = Math.max(1, took / batch.length);
      }
      if (this.queue.length > 0 && this.options.pause) await this.options.pause();
    }
  }

  /** The runner, waiting for it to load at most for what is left of the budget; else why not. */
  private async runnerWithinBudget(): Promise<ContentModelRunner | string> {
    if (this.runner) return this.runner;
    if (this.unavailable) return this.unavailable;
    const started = this.options.now();
    const remaining = this.options.budgetMs - this.spentMs;
    if (remaining <= 0) return this.budgetSpent();
    const timedOut = Symbol('timed out');
    let outcome: ContentModelRunner | typeof timedOut;
    try {
      const load = this.options.load();
      outcome = Number.isFinite(remaining)
        ? await Promise.race([load, (this.options.sleep ?? defaultSleep)(remaining).then((): typeof timedOut => timedOut)])
        : await load;
    } catch (error) {
      this.unavailable = `the model is unavailable: ${message(error)}`;
      return this.unavailable;
    } finally {
      this.spentMs += Math.max(0, this.options.now() - started);
    }
    if (outcome === timedOut) return `the model was still loading when this action's ${this.options.budgetMs} ms model budget ran out`;
    this.runner = outcome;
    return outcome;
  }

  private finishAll(answer: ModelAnswer): void {
    for (const p of this.queue.splice(0)) p.resolve(answer);
  }
}

function skipped(reason: string): ModelAnswer {
  return { kind: 'skipped', reason };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
