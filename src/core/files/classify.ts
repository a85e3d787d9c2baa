/**
 * classifyFile: what is this file, by its name (extension table) and its first bytes (binary
 * signatures, then text analysis)? Content wins when known; `mismatch` says when the name hides
 * what the content is. Pure: no I/O, at most the first 64 KiB of the file.
 */
import type { FileCategory } from '../schema/identifiers';
import { LIMITS } from '../schema/limits';
import { refineWithModel } from './content-model/combine';
import { TAIL_BYTES } from './content-model/features';
import type { ContentModelSession } from './content-model/session';
import { CATEGORY_BY_EXTENSION, COMPOUND_EXTENSIONS } from './extension-table';
import { isMismatch, type ContentFacts } from './mismatch';
import { hasSignature } from './signature';
import { sniffBinary } from './sniff-binary';
import { looksLikeText, sniffText } from './sniff-text';

export interface FileInput {
  name: string;
  size: number;
  mimeType?: string;
  head?: Uint8Array;
  /** The last bytes (up to 4 KiB) of a file longer than its head: the content model reads both ends. */
  tail?: Uint8Array;
}

export interface ClassifyOptions {
  /** The user action's content model session: asked only where signatures and text analysis are silent or unsure. */
  contentModel?: ContentModelSession;
}

export interface FileVerdict {
  extension: string;
  categoryByExtension: FileCategory;
  categoryByContent: FileCategory;
  category: FileCategory;
  /** The MIME type the content shows (not the browser's guess from the name). */
  mimeByContent?: string;
  mismatch: boolean;
  evidence: string[];
}

/** Unicode bidi controls make "invoice\u202Efdp.exe" display as "invoiceexe.pdf". */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** The extension a name really ends with (lower case, no dot), ignoring trailing dots and spaces. */
export function extensionOf(name: string): { extension: string; bidiSpoof: boolean } {
  const base = name.split(/[/\\]/).pop() ?? '';
  const bidiSpoof = BIDI_CONTROLS.test(base);
  BIDI_CONTROLS.lastIndex = 0;
  const clean = base
    .replace(BIDI_CONTROLS, '')
    .replace(/[\s.]+$/, '')
    .toLowerCase();
  const parts = clean.split('.');
  if (parts.length < 2 || (parts.length === 2 && parts[0] === '')) return { extension: '', bidiSpoof };
  const last = parts[parts.length - 1] ?? '';
  if (parts.length >= 3) {
    const compound = `${parts[parts.length - 2]}.${last}`;
    if (COMPOUND_EXTENSIONS.has(compound)) return { extension: compound, bidiSpoof };
  }
  return { extension: last.length <= 32 ? last : '', bidiSpoof };
}

export function categoryOfExtension(extension: string): FileCategory {
  return CATEGORY_BY_EXTENSION.get(extension) ?? 'other';
}

const TEXT_MIME: Record<string, string> = {
  sh: 'text/x-shellscript',
  ps1: 'text/x-powershell',
  bat: 'text/x-msdos-batch',
  vbs: 'text/vbscript',
  py: 'text/x-python',
  php: 'application/x-httpd-php',
  ts: 'text/x-typescript',
  js: 'text/javascript',
  java: 'text/x-java',
  cs: 'text/x-csharp',
  c: 'text/x-c',
  go: 'text/x-go',
  rs: 'text/x-rust',
  rb: 'text/x-ruby',
  sql: 'application/sql',
  swift: 'text/x-swift',
  kt: 'text/x-kotlin',
  pl: 'text/x-perl',
  lua: 'text/x-lua',
  r: 'text/x-r',
  applescript: 'text/x-applescript',
  rtf: 'application/rtf',
  ps: 'application/postscript',
  pem: 'application/x-pem-file',
  svg: 'image/svg+xml',
  html: 'text/html',
  xml: 'application/xml',
  json: 'application/json',
  toml: 'application/toml',
  ini: 'text/plain',
  yaml: 'application/yaml',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  md: 'text/markdown',
  txt: 'text/plain',
};

/** Generic containers: the name says which kind, the head only that it is a zip or an OLE file. */
const GENERIC_CONTAINERS = new Set(['zip', 'cfb', 'cfb_encrypted']);

interface Content extends ContentFacts {
  mime: string;
  evidence: string;
  unsure?: string;
}

/** Binary formats whose first bytes are printable: the signature check runs for them even when the head looks like text. */
const PRINTABLE_SIGNATURES = ['%PDF-', '!<arch>'];

/**
 * Scripts of shells the extension table (what a name says) does not list yet, named from content
 * (text-languages-shells.ts, the shebang table): Elvish and Xonsh.
 */
const TEXT_CATEGORY: Readonly<Record<string, FileCategory>> = { elv: 'script', xsh: 'script' };

async function sniffContent(head: Uint8Array, truncated: boolean): Promise<Content | undefined> {
  // Text has no binary signature to find: skip the signature scan (the costlier half) for it.
  const textLike = looksLikeText(head) && !PRINTABLE_SIGNATURES.some((sig) => hasSignature(head, sig));
  const binary = textLike ? undefined : await sniffBinary(head);
  if (binary) {
    return { ext: binary.ext, mime: binary.mime, category: categoryOfExtension(binary.ext), fromText: false, code: false, evidence: binary.evidence };
  }
  const text = sniffText(head, truncated);
  if (!text) return undefined;
  return {
    ext: text.ext,
    mime: TEXT_MIME[text.ext] ?? 'text/plain',
    category: TEXT_CATEGORY[text.ext] ?? categoryOfExtension(text.ext),
    fromText: true,
    code: text.code,
    evidence: text.evidence,
    ...(text.unsure && { unsure: text.unsure }),
  };
}

function describeMismatch(extension: string, byExtension: FileCategory, content: Content): string {
  return `mismatch: named .${extension} (${byExtension}) but the content is ${content.evidence} (${content.category})`;
}

/**
 * What is this file, by its name and its first bytes (at most 64 KiB are ever sent, so the cost
 * does not grow with the file)? Never throws: bad input gets a verdict of `other`.
 */
export async function classifyFile(input: FileInput, options: ClassifyOptions = {}): Promise<FileVerdict> {
  const name = typeof input.name === 'string' ? input.name : '';
  const { extension, bidiSpoof } = extensionOf(name);
  const categoryByExtension = categoryOfExtension(extension);
  const head = input.head instanceof Uint8Array ? input.head.subarray(0, LIMITS.headBytes) : new Uint8Array(0);
  const size = Number.isFinite(input.size) && input.size >= 0 ? input.size : head.length;
  const evidence: string[] = [extension ? `extension .${extension} → ${categoryByExtension}` : 'no extension'];
  if (bidiSpoof) evidence.push('name contains a right-to-left override: the extension shown differs from the real one');

  let content: Content | undefined;
  try {
    content = await sniffContent(head, head.length < size);
  } catch {
    content = undefined;
  }
  let modelEvidence: string[] = [];
  if (options.contentModel) {
    const tail = input.tail instanceof Uint8Array ? input.tail.subarray(Math.max(0, input.tail.length - TAIL_BYTES)) : undefined;
    ({ content, evidence: modelEvidence } = await refineWithModel(content, { head, size, ...(tail && { tail }) }, options.contentModel));
  }
  if (content) evidence.push(`content: ${content.evidence} → ${content.category}`);
  else evidence.push(head.length === 0 ? 'content: not read (empty file or no bytes sent)' : 'content: not recognised');
  evidence.push(...modelEvidence);

  const mismatch = isMismatch(extension, categoryByExtension, content);
  if (content && mismatch) evidence.push(describeMismatch(extension, categoryByExtension, content));

  let category = categoryByExtension;
  if (content && content.category !== 'other') {
    const nameSaysMore = !mismatch && categoryByExtension !== 'other' && (GENERIC_CONTAINERS.has(content.ext) || (content.fromText && !content.code));
    if (!nameSaysMore) category = content.category;
  }
  return {
    extension,
    categoryByExtension,
    categoryByContent: content?.category ?? 'other',
    category,
    ...(content && { mimeByContent: content.mime }),
    mismatch,
    evidence,
  };
}
