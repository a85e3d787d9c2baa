/**
 * A screen for title patterns: a literal that every match of a pattern must contain, so a title
 * without it is skipped before the RE2 matcher runs (with 140 built-in patterns, running all of
 * them took about 60 µs per title; the screen makes a miss cost a substring search).
 *
 * Conservative: anything it does not fully understand (top-level alternation, \x, \u, \p, \c,
 * \k and numeric escapes, braces) gives no literal, and then the pattern always runs. Only text
 * outside groups and classes counts, and a character made optional by ?, * or {0,…} is left out.
 */

/** The longest literal (lower case, at least 3 characters) every match must contain, or undefined. */
export function requiredTitleLiteral(source: string): string | undefined {
  const runs: string[] = [];
  let run = '';
  let depth = 0;
  const flush = () => {
    if (run.length > 0) runs.push(run);
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    let literal: string | undefined;
    if (c === '\\') {
      const next = source[++i];
      if (next === undefined || /[0-9xupPck]/.test(next)) return undefined;
      if (/[A-Za-z]/.test(next)) {
        // \d \w \s \b \B \n \t …: a class or an assertion, not this letter.
        if (depth === 0) flush();
        continue;
      }
      literal = next;
    } else if (c === '[') {
      // Skip the class: "]" first is a literal member; escapes inside are skipped whole.
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return undefined;
      i = j;
      if (depth === 0) flush();
      continue;
    } else if (c === '(') {
      depth++;
      if (depth === 1) flush();
      continue;
    } else if (c === ')') {
      depth--;
      if (depth < 0) return undefined;
      continue;
    } else if (c === '|') {
      if (depth === 0) return undefined;
      continue;
    } else if (c === '{') {
      return undefined;
    } else if (c === '?' || c === '*' || c === '+') {
      // A quantifier on a group or a class changes nothing here; on the last literal character:
      // "?" and "*" make it optional, "+" keeps it once (then the run cannot continue past it).
      if (depth === 0 && (c === '?' || c === '*')) run = run.slice(0, -1);
      if (depth === 0) flush();
      if (source[i + 1] === '?') i++; // lazy
      continue;
    } else if (c === '.' || c === '^' || c === '$') {
      if (depth === 0) flush();
      continue;
    } else {
      literal = c;
    }
    if (depth === 0) {
      // The literal is followed by a quantifier: decided when the quantifier is read.
      run += literal;
    }
  }
  if (depth !== 0) return undefined;
  flush();
  const best = runs.map((r) => r.toLowerCase()).sort((a, b) => b.length - a.length)[0];
  return best !== undefined && best.length >= 3 ? best : undefined;
}

/**
 * The title as the screen compares it: lower case, with the two non-ASCII characters that
 * case-insensitive matching folds onto ASCII letters (ſ onto s, the Kelvin sign onto k) mapped,
 * so the screen never skips a title the pattern would match.
 */
export function screenText(title: string): string {
  return title
    .toLowerCase()
    .replace(/ſ/g, 's')
    .replace(/\u212a/g, 'k');
}
