/** The destination catalog: data in catalog.json, validated here once. */
import { z } from 'zod';
import { DestinationCategory, SourceCategory } from '../schema/identifiers';
import catalogData from './catalog.json';

/**
 * A host pattern is a host name, matching that host and every subdomain of it, optionally followed
 * by a path prefix ("facebook.com/messages"). Lower case, no scheme, no port.
 */
const HostPattern = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[a-z0-9.-]+(\/[^\s?#]*)?$/, 'host pattern: lower-case host with an optional /path prefix');

export const CatalogService = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]{2,64}$/),
  name: z.string().min(1).max(128),
  category: DestinationCategory.exclude(['unknown']),
  hosts: z.array(HostPattern).max(200),
  /** Case-insensitive regular expressions over the tab title, for self-hosted software on unknown hosts. */
  titles: z
    .array(
      z.string().refine((s) => {
        try {
          new RegExp(s, 'i');
          return true;
        } catch {
          return false;
        }
      }, 'invalid regular expression'),
    )
    .max(20)
    .optional(),
  sourceCategory: SourceCategory.optional(),
});
export type CatalogService = z.infer<typeof CatalogService>;

export const Catalog = z
  .strictObject({ version: z.number().int(), services: z.array(CatalogService) })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    for (const s of c.services) {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate service id ${s.id}` });
      ids.add(s.id);
    }
  });
export type Catalog = z.infer<typeof Catalog>;

export const BUILTIN_CATALOG: Catalog = Catalog.parse(catalogData);
