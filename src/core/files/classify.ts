/**
 * classifyFile: what is this file? By its name today; content sniffing of `head` plugs in through
 * `categoryByContent` (issue: file intelligence).
 */
import type { FileCategory } from '../schema/identifiers';
import { CATEGORY_BY_EXTENSION, COMPOUND_EXTENSIONS } from './extension-table';

export interface FileInput {
  name: string;
  size: number;
  mimeType?: string | undefined;
  head?: Uint8Array | undefined;
}

export interface FileVerdict {
  extension: string;
  categoryByExtension: FileCategory;
  categoryByContent: FileCategory;
  category: FileCategory;
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
  const clean = base.replace(BIDI_CONTROLS, '').replace(/[\s.]+$/, '').toLowerCase();
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

export function classifyFile(input: FileInput): FileVerdict {
  const { extension, bidiSpoof } = extensionOf(typeof input.name === 'string' ? input.name : '');
  const categoryByExtension = categoryOfExtension(extension);
  const categoryByContent: FileCategory = 'other';
  const evidence: string[] = [];
  if (extension) evidence.push(`extension .${extension} → ${categoryByExtension}`);
  else evidence.push('no extension');
  if (bidiSpoof) evidence.push('name contains a right-to-left override: the extension shown differs from the real one');
  return {
    extension,
    categoryByExtension,
    categoryByContent,
    category: categoryByContent !== 'other' ? categoryByContent : categoryByExtension,
    mismatch: false,
    evidence,
  };
}
