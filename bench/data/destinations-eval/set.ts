/**
 * The labelled destination pages of bench/intelligence-destinations (issue 16, item 5): one TSV file
 * per expected category in this folder, validated row by row when loaded. How the rows were chosen
 * and labelled is in README.md; the set is for evaluation only, nothing is tuned on it.
 *
 * Columns: url, title (as the tab shows it; may be empty), category, hard (`yes`/`no`), why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DestinationCategory } from '../../../src/core/schema/identifiers';

export const SET_DIR = dirname(fileURLToPath(import.meta.url));
export const COLUMNS = ['url', 'title', 'category', 'hard', 'why'] as const;

export const DestinationPage = z.object({
  url: z.string().min(1).max(2048),
  title: z.string().max(512),
  category: DestinationCategory,
  hard: z.enum(['yes', 'no']).transform((v) => v === 'yes'),
  why: z.string().min(3),
});
export type DestinationPage = z.infer<typeof DestinationPage> & { file: string; line: number };

/** Parses one TSV file; every bad line is named with its file and line number, none is skipped. */
export function parseSetFile(file: string, text: string): DestinationPage[] {
  const rows: DestinationPage[] = [];
  const errors: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const cells = raw.split('\t');
    if (cells[0] === COLUMNS[0] && cells[1] === COLUMNS[1]) return; // the header
    if (cells.length !== COLUMNS.length) {
      errors.push(`${file}:${i + 1}: ${cells.length} columns, expected ${COLUMNS.length} (${COLUMNS.join(', ')})`);
      return;
    }
    const parsed = DestinationPage.safeParse(Object.fromEntries(COLUMNS.map((c, k) => [c, cells[k]!.trim()])));
    if (!parsed.success) {
      errors.push(`${file}:${i + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      return;
    }
    rows.push({ ...parsed.data, file, line: i + 1 });
  });
  if (errors.length > 0) throw new Error(`destination evaluation set:\n${errors.join('\n')}`);
  return rows;
}

/**
 * Every `*.tsv` of the folder. A row's category must be its file's name (a check against rows
 * pasted into the wrong file), and a URL may appear once in the whole set.
 */
export function loadDestinationSet(dir = SET_DIR): DestinationPage[] {
  const rows: DestinationPage[] = [];
  const errors: string[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort();
  for (const file of files) {
    for (const row of parseSetFile(file, readFileSync(join(dir, file), 'utf8'))) {
      if (`${row.category}.tsv` !== file) errors.push(`${file}:${row.line}: category ${row.category} in ${file}`);
      rows.push(row);
    }
  }
  const seen = new Map<string, DestinationPage>();
  for (const row of rows) {
    const key = row.url.toLowerCase();
    const first = seen.get(key);
    if (first) errors.push(`${row.file}:${row.line}: ${row.url} is already at ${first.file}:${first.line}`);
    else seen.set(key, row);
  }
  if (errors.length > 0) throw new Error(`destination evaluation set:\n${errors.join('\n')}`);
  return rows;
}
