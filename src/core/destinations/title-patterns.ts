/**
 * Title patterns: case-insensitive regular expressions over the tab title, for self-hosted software
 * on hosts the catalog does not know. Admins and synced settings supply them and the page supplies
 * the title, so they run on RE2 semantics (re2js): matching time is linear in the title's length
 * whatever the pattern, where a backtracking engine took 1.4 s for `^(a+)+$` on a 28-character
 * title and four times as long per two more characters (issue 15, item 1).
 *
 * Each pattern is compiled and run on its own: patterns are never joined into one expression, so
 * duplicate named groups across services cannot make a SyntaxError, and one pattern that fails to
 * compile or to run is skipped without affecting the others.
 */
import { RE2JS } from 're2js';
import { requiredTitleLiteral, screenText } from './title-literals';

/** Titles are cut to this many characters before matching: the page controls the title. */
export const TITLE_MATCH_CHARS = 512;

/**
 * RE2's "program size" is the number of instructions of the compiled automaton, and a match costs
 * at most (title length × program size) steps. The built-in patterns are under 50; `[\s\S]{300}`
 * is about 300. This bound keeps one pattern's worst case near 500,000 steps.
 */
export const MAX_TITLE_PROGRAM_SIZE = 1000;

export type TitlePatternCompilation = { ok: true; pattern: RE2JS } | { ok: false; error: string };

/**
 * A pattern in JavaScript syntax (what admins write, and what the catalog has always used) compiled
 * to RE2. Features RE2 cannot run in linear time (backreferences, lookahead) are refused with
 * RE2's own message.
 */
export function compileTitlePattern(source: string): TitlePatternCompilation {
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(RE2JS.translateRegExp(source), RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      error: `title pattern ${JSON.stringify(source.slice(0, 80))}: ${message} (title patterns use RE2 syntax: no backreferences or lookaround)`,
    };
  }
  if (pattern.programSize() > MAX_TITLE_PROGRAM_SIZE) {
    return {
      ok: false,
      error: `title pattern ${JSON.stringify(source.slice(0, 80))} is too complex (RE2 program size ${pattern.programSize()}, at most ${MAX_TITLE_PROGRAM_SIZE})`,
    };
  }
  return { ok: true, pattern };
}

export interface TitleRule<T> {
  pattern: RE2JS;
  value: T;
  /** A literal every match contains (title-literals.ts): a title without it skips the pattern. */
  literal: string | undefined;
}

/** The first rule (in the given order) whose pattern matches the title, or undefined. */
export class TitleMatcher<T> {
  readonly #rules: readonly TitleRule<T>[];
  /** Patterns that did not compile; they are skipped, and the rest still classify. */
  readonly rejected: readonly string[];

  constructor(entries: readonly { source: string; value: T }[]) {
    const rules: TitleRule<T>[] = [];
    const rejected: string[] = [];
    for (const { source, value } of entries) {
      const compiled = compileTitlePattern(source);
      if (compiled.ok) rules.push({ pattern: compiled.pattern, value, literal: requiredTitleLiteral(source) });
      else rejected.push(compiled.error);
    }
    this.#rules = rules;
    this.rejected = rejected;
  }

  get size(): number {
    return this.#rules.length;
  }

  match(title: string): T | undefined {
    const head = boundedTitle(title);
    let screened: string | undefined;
    for (const rule of this.#rules) {
      if (rule.literal !== undefined && !(screened ??= screenText(head)).includes(rule.literal)) continue;
      if (testPattern(rule.pattern, head)) return rule.value;
    }
    return undefined;
  }
}

/** The part of a title that is matched. */
export function boundedTitle(title: string): string {
  return title.length > TITLE_MATCH_CHARS ? title.slice(0, TITLE_MATCH_CHARS) : title;
}

/**
 * One pattern over one input. Input may be a string or an array of UTF-8 bytes (tests pass an
 * array that counts how often the matcher reads it). A pattern that throws while matching counts
 * as no match, so it cannot stop classification.
 */
export function testPattern(pattern: RE2JS, input: string | number[]): boolean {
  try {
    return pattern.test(input);
  } catch {
    return false;
  }
}
