/** The extension → file category table: data in extensions.json, validated and indexed here. */
import { z } from 'zod';
import { FILE_CATEGORIES, FileCategory } from '../schema/identifiers';
import tableData from './extensions.json';

const Extension = z.string().regex(/^[a-z0-9]+(\.[a-z0-9]+)?$/);

export const ExtensionTable = z
  .strictObject({
    version: z.number().int(),
    categories: z.partialRecord(FileCategory, z.array(Extension)),
  })
  .superRefine((t, ctx) => {
    const seen = new Map<string, string>();
    for (const [category, list] of Object.entries(t.categories)) {
      for (const ext of list ?? []) {
        const prior = seen.get(ext);
        if (prior) ctx.addIssue({ code: 'custom', message: `.${ext} is listed under both ${prior} and ${category}` });
        seen.set(ext, category);
      }
    }
  });

const table = ExtensionTable.parse(tableData);

export const CATEGORY_BY_EXTENSION: ReadonlyMap<string, FileCategory> = new Map(
  FILE_CATEGORIES.flatMap((category) => (table.categories[category] ?? []).map((ext) => [ext, category] as const)),
);

/** Extensions of two parts (tar.gz) the table knows; checked before the last part alone. */
export const COMPOUND_EXTENSIONS: ReadonlySet<string> = new Set([...CATEGORY_BY_EXTENSION.keys()].filter((ext) => ext.includes('.')));
