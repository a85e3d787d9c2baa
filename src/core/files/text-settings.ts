/**
 * Configuration text that no language rule names (issue 16): key = value settings (.properties,
 * .env), settings files whose only setting is commented out, directive files ("Keyword value"
 * lines and blocks: sshd_config, Apache, ALSA use-case files…) and package requirement lists. All
 * are `source_code` by the product decision (configuration carries credentials and
 * infrastructure). The content model reads most of them as shell or PowerShell when it reads them
 * at all (the development half of bench/intelligence-files), so the text analysis names them first.
 */
import type { TextVerdict } from './sniff-text';

const data = (ext: string, evidence: string): TextVerdict => ({ ext, evidence, code: false });

/** True when at least `share` of the lines pass; stops as soon as that can no longer happen. */
export function mostly(lines: readonly string[], test: (line: string) => boolean, share: number): boolean {
  const allowedFailures = Math.floor(lines.length * (1 - share));
  let failures = 0;
  for (const l of lines) if (!test(l) && ++failures > allowedFailures) return false;
  return true;
}

const KEY_VALUE = /^(?:export\s+)?[A-Za-z_][\w.\-/]*\s*(?:=|:(?!\/\/))/;
/** A setting with `=` and no space in its key: what a commented-out setting looks like once uncommented. */
const ASSIGNMENT = /^[A-Za-z_][\w.\-/]*=\S/;
const COMMENT = /^\s*[#!;]/;

/**
 * Key = value (or key:value) lines and comments only: .properties, .env and the like, configuration.
 * Indented lines continue a value. Tried after the delimiter count, so tables keep their verdict.
 * A single setting counts when comments explain it (`=` only: "Note: …" in prose is no setting),
 * and so does a file of comments whose settings are commented out ("#swing.defaultlaf=…").
 */
export function bySettings(lines: readonly string[]): TextVerdict | undefined {
  const settings = lines.filter((l) => !COMMENT.test(l));
  const comments = lines.length - settings.length;
  const keyed = settings.filter((l) => KEY_VALUE.test(l)).length;
  if (keyed >= 2 && keyed >= 0.6 * settings.length && mostly(settings, (l) => KEY_VALUE.test(l) || /^\s+\S/.test(l), 0.9)) {
    return data('properties', 'key = value settings (.properties, .env)');
  }
  if (comments > 0 && settings.length === 1 && ASSIGNMENT.test(settings[0]!.trim())) {
    return data('properties', 'a key = value setting under comments (.properties, .env)');
  }
  if (settings.length === 0 && lines.some((l) => ASSIGNMENT.test(l.replace(/^\s*[#;]\s?/, '')))) {
    return data('properties', 'commented-out key = value settings');
  }
  return undefined;
}

/** `Keyword value…` (or `key=value`, `key:value`) with a short value; a key may carry a [selector] or a ."name". */
const DIRECTIVE = /^\s*[A-Za-z_][\w.\-]*(?:\[[^\]\s]*\]|\."[^"]*")*(?:\s*[=:]\s*|\s+)(\S.*)$/;
/** Block delimiters: Apache's <Section …> and </Section>, and closing braces and brackets. */
const BLOCK = /^\s*(?:<\/?[A-Za-z][\w.\-]*(?:\s[^>]*)?>|[}\]][;,]?)\s*$/;

/** Words of a value outside quotes (a quoted string is one word). */
function valueWords(value: string): string[] {
  return value.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
}

/** A person's address and homepage ("Ada Lovelace <ada@example.org> (https://…)"): lists of people, not settings. */
const PERSON = /<[^<>\s]+@[^<>\s]+>|\((?:https?:|mailto:)[^)]*\)/g;

/**
 * A directive's shape, beyond a word and more words: a key in CamelCase (IdentitiesOnly), a value
 * with what prose words lack (digits, paths, quotes, operators), a block opened at its end, or an
 * indented line (inside a block). Prose lines have the first two shapes only by chance.
 */
function directiveShape(line: string, key: string, value: string): boolean {
  return /[a-z][A-Z]/.test(key) || /[^A-Za-z\s]/.test(value.replace(PERSON, '')) || /^\s/.test(line);
}

/**
 * Directive configuration: nearly every line a `Keyword value` directive with a short value (at
 * most four words: prose runs longer), or a block delimiter, most of them with a directive's shape.
 */
export function byDirectives(lines: readonly string[]): TextVerdict | undefined {
  const meaningful = lines.filter((l) => !/^\s*(?:#|;|\/\/)/.test(l));
  if (meaningful.length < 4) return undefined;
  let directives = 0;
  let shaped = 0;
  let failures = 0;
  const allowed = Math.floor(meaningful.length * 0.1);
  for (const line of meaningful) {
    if (BLOCK.test(line)) continue;
    const m = DIRECTIVE.exec(line);
    const words = m ? valueWords(m[1]!) : [];
    // A sentence ends with a stop; a directive's value does not.
    if (!m || words.length > 4 || /\w[.!?]$/.test(line)) {
      if (++failures > allowed) return undefined;
      continue;
    }
    directives++;
    if (directiveShape(line, line.trimStart().split(/[\s=:[."]/, 1)[0]!, m[1]!)) shaped++;
  }
  if (directives < 3 || shaped < 0.7 * directives) return undefined;
  return data('conf', `configuration directives (${directives} "Keyword value" lines)`);
}

/** A package requirement: a name, extras, version constraints, markers (pip's format and its kin). */
const REQUIREMENT = /^[A-Za-z0-9][\w.\-]*(?:\[[\w,\s.\-]+\])?\s*(?:(?:===?|[<>!~]=|[<>])\s*[\w.*+!\-]+\s*,?\s*)*(?:;.*)?$/;
const CONSTRAINT = /(?:===?|[<>!~]=|[<>])\s*\d/;

/** A list of package requirements, one a line (requirements.txt, constraints files), options (-r, -e, --index-url) aside. */
export function byRequirements(lines: readonly string[]): TextVerdict | undefined {
  const entries = lines.map((l) => l.trim()).filter((l) => !l.startsWith('#') && !/^-{1,2}[a-z]/.test(l));
  if (entries.length < 3 || !mostly(entries, (l) => REQUIREMENT.test(l), 0.9)) return undefined;
  const pinned = entries.filter((l) => CONSTRAINT.test(l)).length;
  if (pinned < 2 || pinned < 0.3 * entries.length) return undefined;
  return data('conf', `package requirements (${pinned} with version constraints)`);
}
