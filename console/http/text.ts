/**
 * Text a database cannot keep as it was sent. PostgreSQL refuses U+0000 in any text value (the
 * whole statement fails, which answered 500 and wrote nothing), and neither engine keeps an
 * unpaired UTF-16 surrogate: both store U+FFFD in its place, so it could not be read back. The API
 * refuses such text in a request (console/http/register.ts) with the field it is in; ingest, which
 * must not lose a page's events for a file name the page chose, stores the event as sent and makes
 * only its search columns storable (`storableText`).
 */

const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemOf(text: string): string | undefined {
  if (NUL.test(text)) return 'text may not contain U+0000 (NUL)';
  if (LONE_SURROGATE.test(text)) return 'text may not contain an unpaired UTF-16 surrogate (not Unicode)';
  return undefined;
}

/**
 * The first string (value or object key) in a parsed JSON value, query or path that a database
 * cannot keep, with where it is. Walked without recursion: a body may nest 100,000 levels deep.
 */
export function unstorableText(value: unknown): { path: string; message: string } | undefined {
  // Each step links to its parent, so the path is spelled only for the text refused.
  type Step = { value: unknown; key?: string | number; parent?: Step };
  const pathOf = (step: Step | undefined): string => {
    const keys: (string | number)[] = [];
    for (let s = step; s?.key !== undefined; s = s.parent) keys.unshift(s.key);
    return keys.join('.');
  };
  const stack: Step[] = [{ value }];
  while (stack.length) {
    const step = stack.pop()!;
    const v = step.value;
    if (typeof v === 'string') {
      const message = problemOf(v);
      if (message) return { path: pathOf(step), message };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: step });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const message = problemOf(key);
        if (message) return { path: pathOf(step), message: `a key: ${message}` };
        stack.push({ value: child, key, parent: step });
      }
    }
  }
  return undefined;
}

/** Text as a database column can keep it: U+0000 and unpaired surrogates become U+FFFD. */
export function storableText(text: string): string {
  return text.replace(/\u0000/g, '\ufffd').toWellFormed();
}
