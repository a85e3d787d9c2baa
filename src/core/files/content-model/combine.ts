/**
 * Signatures first, the model for what they leave open, our text analysis as the fallback
 * (issue 16). Signatures at the end of the file come first (trailer.ts, when the tail is known);
 * then `modelQuestion` says whether the first opinion (binary signatures and container
 * readers, then text analysis) is silent or unsure; `refineWithModel` asks the action's model
 * session in that case and merges its answer. Each step leaves a line of evidence.
 */
import type { FileCategory } from '../../schema/identifiers';
import type { FileBytes } from './features';
import type { ModelLabel } from './labels';
import type { ContentModelSession } from './session';
import { decodeText } from '../sniff-text';
import { sniffTrailer } from './trailer';

/** What classifyFile knows of the content: the same shape as its internal verdict. */
export interface ContentOpinion {
  ext: string;
  mime: string;
  category: FileCategory;
  fromText: boolean;
  code: boolean;
  evidence: string;
  /** Set when the first opinion itself is a guess the model should check, and why. */
  unsure?: string;
}

/** Containers our readers name only generically when the head shows no telling entry. */
const CONTAINER_FAMILIES: Record<string, ReadonlySet<string>> = {
  zip: new Set(['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub', 'jar', 'apk', 'xpi', 'crx', 'nupkg', 'zip']),
  cfb: new Set(['doc', 'xls', 'ppt', 'msi', 'outlook', 'one']),
};

/**
 * Labels Magika gives to a format in either encoding, though its table calls them binary: `crt` is a
 * DER certificate or its text forms (PEM, `openssl x509 -text` dumps), which the model names alike.
 */
const EITHER_ENCODING = new Set(['crt']);

/** Structured data and configuration text: `source_code` by the product decision of issue 16. */
const STRUCTURED_TEXT = new Set(['json', 'yaml', 'toml', 'ini', 'xml', 'properties']);

/** Why the model should be asked, or undefined when the first opinion stands. */
export function modelQuestion(first: ContentOpinion | undefined, headLength: number): string | undefined {
  if (headLength === 0) return undefined;
  if (!first) return 'neither signatures nor text analysis recognised the content';
  if (!first.fromText) return first.ext in CONTAINER_FAMILIES ? `a ${first.ext} container whose entries the head does not name` : undefined;
  if (first.unsure) return first.unsure;
  if (first.ext === 'txt' || first.ext === 'md') return 'text analysis found prose only (code in another language or configuration looks alike)';
  if (first.evidence.startsWith('source code by its syntax')) return 'text analysis found code by its syntax, in no language it knows';
  // Statements end in semicolons and many lines hold one separator: two columns, or semicolons or
  // pipes as the separator, are what code and configuration look like to a delimiter count too.
  const delimited = /^(\w+)-separated values \((\d+) columns/.exec(first.evidence);
  if (delimited && (delimited[2] === '2' || delimited[1] === 'semicolon' || delimited[1] === 'pipe')) {
    return `text analysis found ${delimited[1]}-separated values in ${delimited[2]} columns, which code can look like`;
  }
  return undefined;
}

/** Our text analysis's verdict under the product decision: configuration and data text is source code. */
export function withProductCategories(first: ContentOpinion | undefined): ContentOpinion | undefined {
  if (first?.fromText && STRUCTURED_TEXT.has(first.ext)) return { ...first, category: 'source_code' };
  return first;
}

function fromModel(best: ModelLabel, categoryScore: number | undefined, first: ContentOpinion | undefined): ContentOpinion {
  return {
    ext: best.info.ext,
    mime: best.info.mime,
    category: best.info.category,
    // A text label on content our analysis read as text; a binary one stays binary.
    fromText: (best.info.text || EITHER_ENCODING.has(best.label)) && (first?.fromText ?? best.info.text),
    code: best.code,
    evidence:
      categoryScore === undefined
        ? `${best.label} by the content model (${best.score.toFixed(2)})`
        : `${best.info.category} by the content model (${categoryScore.toFixed(2)} over its labels; likeliest ${best.label} at ${best.score.toFixed(2)})`,
  };
}

/**
 * Whether most lines of the text hold a field delimiter (comma, semicolon, tab or pipe): every row
 * of delimited data does, and code in a language the model does not know, which it may call CSV or
 * TSV, mostly does not.
 */
export function mostLinesDelimited(head: Uint8Array): boolean {
  const lines = (decodeText(head) ?? '').split(/\r\n|\r|\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) return false;
  return lines.filter((l) => /[,;\t|]/.test(l)).length >= 0.8 * lines.length;
}

/** When the model's confident label may replace the first opinion. */
function accepts(first: ContentOpinion | undefined, best: ModelLabel, head: Uint8Array): boolean {
  if (best.info.category === 'other' && first) return false;
  if (!first) return true;
  if (!first.fromText) return CONTAINER_FAMILIES[first.ext]?.has(best.label) ?? false;
  // A table the text analysis's column count missed still has a delimiter on nearly every line.
  if (best.info.category === 'spreadsheet' && !mostLinesDelimited(head)) return false;
  // Text stays text: a binary label for what decodes as text is the model misreading it.
  return best.info.text || EITHER_ENCODING.has(best.label);
}

export interface Refined {
  content: ContentOpinion | undefined;
  evidence: string[];
}

/**
 * The first opinion, refined by the model where it is silent or unsure. Never throws: without a
 * session, or when the session skips (budget spent, model unavailable, file too small), the first
 * opinion stands and the evidence says why.
 */
export async function refineWithModel(first: ContentOpinion | undefined, bytes: FileBytes, session: ContentModelSession | undefined): Promise<Refined> {
  // A signature at the end of the file outranks what the head suggested (a DMG often opens with
  // compressed data that looks like bzip2 or zlib, or with nothing recognisable at all).
  const trailer = first?.category === 'virtual_disk_image' ? undefined : sniffTrailer(bytes);
  if (trailer) return { content: trailer, evidence: [`content at the end of the file: ${trailer.evidence}`] };
  const base = withProductCategories(first);
  const question = modelQuestion(base, bytes.head.length);
  if (!question || !session) return { content: base, evidence: [] };
  let answer;
  try {
    answer = await session.ask(bytes);
  } catch (error) {
    answer = { kind: 'skipped' as const, reason: `the model failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (answer.kind === 'skipped') return { content: base, evidence: [`content model not used (${question}): ${answer.reason}; ${fallbackWords(base)}`] };
  const { result } = answer;
  if (!result.confident) return { content: base, evidence: [`content model unsure (${result.why}); ${fallbackWords(base)}`] };
  if (!accepts(base, result.best, bytes.head)) {
    return {
      content: base,
      evidence: [`content model said ${result.best.label} (${result.best.score.toFixed(2)}), which does not fit; ${fallbackWords(base)}`],
    };
  }
  const comments = base?.ext === 'txt' ? commentShare(bytes.head) : 0;
  if (comments >= COMMENTED_PROSE && (result.categoryScore !== undefined || result.best.score < COMMENTED_PROSE_SURE)) {
    const said = result.categoryScore === undefined ? `${result.best.label} (${result.best.score.toFixed(2)})` : `${result.best.info.category} over its labels`;
    return {
      content: base,
      evidence: [`content model said ${said}, but every line is a # comment (prose in comments); ${fallbackWords(base)}`],
    };
  }
  const content = asCodeUnlessSure(fromModel(result.best, result.categoryScore, base), result.best);
  return { content, evidence: [`content model (${question}): ${content.evidence} → ${content.category}`] };
}

/**
 * Text whose every line is a `#` comment (the `#` followed by a space or nothing; `#define` and
 * the like are code) reads to the model like the code of some language that comments with `#`
 * (Makefile, shell, Python, .htaccess), though all it holds is prose: notes, lists, test
 * descriptions. Where our analysis found prose, such an answer stands only from one label at
 * COMMENTED_PROSE_SURE or more. One setting among the comments (`.level = WARNING`) makes it
 * configuration again, so the rule wants every line.
 */
export const COMMENTED_PROSE = 1;
export const COMMENTED_PROSE_SURE = 0.9;

/** The share of non-blank lines of the head that are `#` comments. */
export function commentShare(head: Uint8Array): number {
  const lines = (decodeText(head) ?? '').split(/\r\n|\r|\n/).filter((l) => l.trim().length > 0);
  if (lines.length < 2) return 0;
  return lines.filter((l) => /^\s*#(\s|#|$)/.test(l)).length / lines.length;
}

/**
 * The script labels the model gives to code of languages it does not know (on the additional
 * development set's languages without a rule: BASIC dialects, Clarion, LiveCode as vba; PureBasic,
 * Turing, Verse, mIRC as autohotkey): under SCRIPT_SURE (Magika's own threshold for the labels it
 * finds error-prone) such an answer says code, not a script. Shell, PowerShell and batch answers
 * are not of this kind, and stand.
 */
const CATCH_ALL_SCRIPT_LABELS = new Set(['vba', 'autohotkey']);
export const SCRIPT_SURE = 0.9;

function asCodeUnlessSure(content: ContentOpinion, best: ModelLabel): ContentOpinion {
  if (content.category !== 'script' || !CATCH_ALL_SCRIPT_LABELS.has(best.label) || best.score >= SCRIPT_SURE) return content;
  return { ...content, category: 'source_code', evidence: `${content.evidence}, code but not surely a script (under ${SCRIPT_SURE})` };
}

function fallbackWords(first: ContentOpinion | undefined): string {
  return first ? `kept ${first.evidence}` : 'content left unrecognised';
}
