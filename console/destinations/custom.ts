/**
 * An admin names a host in one step: a new custom destination in the synced policy's
 * `customDestinations` (the extension's own CustomDestination), written through the policy store
 * like PUT /api/v1/policy (validated, versioned by its ETag, audited), so every browser classifies
 * uploads to the host with it from its next settings sync.
 */
import { z } from 'zod';
import { BUILTIN_CATALOG, HostPattern, type CustomDestination } from '../../src/core/destinations/catalog';
import { DestinationCategory } from '../../src/core/schema/identifiers';
import type { Principal } from '../auth/roles';
import { HttpError } from '../http/route';
import type { PolicyStore, SyncedPolicy } from '../policy-store';

export const NewCustomDestination = z.strictObject({
  /** What the extension matches: the host and its subdomains, optionally with a /path prefix (HostPattern). */
  host: z
    .string()
    .trim()
    .transform((h) => h.toLowerCase())
    .pipe(HostPattern),
  name: z.string().trim().min(1).max(128),
  category: DestinationCategory.exclude(['unknown']),
});
export type NewCustomDestination = z.infer<typeof NewCustomDestination>;

export const CUSTOM_DESTINATION_ADDED = 'policy.custom_destination_added';

const BUILTIN_IDS = new Set(BUILTIN_CATALOG.services.map((s) => s.id));

/** A service id from the host ("files.example-box.io" → "custom_files_example_box_io"), unique among `taken`. */
export function serviceIdFor(host: string, taken: ReadonlySet<string>): string {
  const base = `custom_${host.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`.slice(0, 56).replace(/_+$/, '');
  const free = (id: string) => !taken.has(id) && !BUILTIN_IDS.has(id);
  if (free(base)) return base;
  for (let n = 2; ; n++) if (free(`${base}_${n}`)) return `${base}_${n}`;
}

/** Adds the destination; 409 when a custom destination already has this host pattern or the policy would be refused. */
export async function addCustomDestination(
  store: PolicyStore,
  input: NewCustomDestination,
  actor: Principal,
): Promise<{ destination: CustomDestination; policy: SyncedPolicy }> {
  let destination: CustomDestination | undefined;
  const { problems, policy } = await store.amend(
    (settings) => {
      // As stored, not re-parsed: an entry today's schema would refuse is refused below, never dropped.
      const list = (Array.isArray(settings.customDestinations) ? settings.customDestinations : []) as CustomDestination[];
      const owner = list.find((d) => Array.isArray(d?.hosts) && d.hosts.includes(input.host));
      if (owner) {
        throw new HttpError(409, `${input.host} is already the custom destination ${owner.id} (${owner.name ?? owner.id}): change it with PUT /api/v1/policy`, {
          existing: owner,
        });
      }
      destination = { id: serviceIdFor(input.host, new Set(list.map((d) => d?.id))), name: input.name, category: input.category, hosts: [input.host] };
      return { ...settings, customDestinations: [...list, destination] };
    },
    actor,
    CUSTOM_DESTINATION_ADDED,
  );
  if (problems.length || !policy || !destination)
    throw new HttpError(409, 'the synced policy cannot take this custom destination', { problems: problems.slice(0, 20) });
  return { destination, policy };
}
