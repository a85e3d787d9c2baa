/**
 * The long tail in the admins' hands (issue 16, item 4): the hosts that receive uploads nothing
 * named, and naming one as a custom destination in one step. Who may call each: ../http/access.ts.
 */
import { z } from 'zod';
import { CustomDestination } from '../../src/core/destinations/catalog';
import { addCustomDestination, NewCustomDestination } from '../destinations/custom';
import { customDestinationsOf, listUnclassifiedHosts, MAX_HOSTS_COUNTED, UnclassifiedHost } from '../destinations/unclassified';
import { defineRoute } from '../http/route';

const DAY = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 30;

const unclassified = defineRoute({
  method: 'GET',
  path: '/api/v1/destinations/unclassified',
  tag: 'destinations',
  summary:
    'Hosts receiving uploads no catalog or custom service named (`other` or `unknown`) since `since` (default: the last 30 days), most uploads first: ' +
    'uploads, distinct people, last seen and the latest tab title (page-controlled text, as stored). Hosts a custom destination of the synced policy ' +
    `covers are left out. \`offset\`/\`limit\` page through \`total\`; at most ${MAX_HOSTS_COUNTED} hosts are counted (\`truncated\`).`,
  query: z.object({
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(MAX_HOSTS_COUNTED).default(0),
  }),
  response: z.object({
    since: z.iso.datetime(),
    hosts: z.array(UnclassifiedHost),
    total: z.number().int(),
    truncated: z.boolean(),
    nextOffset: z.number().int().nullable(),
  }),
  async handler({ query, services }) {
    const since = query.since ? Date.parse(query.since) : services.now() - DEFAULT_WINDOW_DAYS * DAY;
    const { settings } = await services.policy.current();
    const page = await listUnclassifiedHosts(services.db, customDestinationsOf(settings), { since, limit: query.limit, offset: query.offset });
    const next = query.offset + page.hosts.length;
    return { since: new Date(since).toISOString(), ...page, nextOffset: next < page.total ? next : null };
  },
});

const addCustom = defineRoute({
  method: 'POST',
  path: '/api/v1/destinations/custom',
  tag: 'destinations',
  summary:
    'Name a host: adds a custom destination to the synced policy, so browsers classify uploads to it from their next settings sync. `host` is a ' +
    'host pattern as in `customDestinations` (lower-case host name, its subdomains included, optionally `*-suffix.` first and a `/path` prefix after; ' +
    'no scheme or port); `category` any destination category but `unknown`; the id is made from the host. ' +
    '201 with the destination and the policy ETag; 409 when a custom destination already has this host pattern. Audited as ' +
    '`policy.custom_destination_added`.',
  body: NewCustomDestination,
  response: z.object({ destination: CustomDestination, etag: z.string() }),
  async handler({ body, principal, services, reply }) {
    const { destination, policy } = await addCustomDestination(services.policy, body, principal);
    reply.code(201);
    return { destination, etag: policy.etag };
  },
});

export const DESTINATION_ROUTES = [unclassified, addCustom];
