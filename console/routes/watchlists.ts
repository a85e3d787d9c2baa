/** Watchlists and their members. Who may call each route: ../http/access.ts. */
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute } from '../http/route';
import {
  addMember,
  createWatchlist,
  DateOnly,
  listMembers,
  listWatchlists,
  MemberNotes,
  PersonEmail,
  removeMember,
  updateWatchlist,
  Watchlist,
  WatchlistId,
  WatchlistMember,
} from '../watchlists/store';

const Name = z.string().trim().min(1).max(200);
const Description = z.string().max(2000);
const WatchlistParams = z.object({ id: WatchlistId });
const MemberPosition = z.object({ a: z.number().int(), e: z.string().max(320) });

const list = defineRoute({
  method: 'GET',
  path: '/api/v1/watchlists',
  tag: 'watchlists',
  summary: 'Every watchlist (the built-in set first), with its member count and whether browsers are told about membership.',
  response: z.object({ watchlists: z.array(Watchlist) }),
  async handler({ services }) {
    return { watchlists: await listWatchlists(services.db) };
  },
});

const create = defineRoute({
  method: 'POST',
  path: '/api/v1/watchlists',
  tag: 'watchlists',
  summary: "Create a watchlist. `syncToBrowsers` (default false) sends membership to the member's browser in settings sync. Audited.",
  body: z.strictObject({ id: WatchlistId, name: Name, description: Description.optional(), syncToBrowsers: z.boolean().optional() }),
  response: z.object({ watchlist: Watchlist }),
  async handler({ body, principal, services, reply }) {
    const watchlist = await createWatchlist(services.db, body, principal, services.now());
    reply.code(201);
    return { watchlist };
  },
});

const update = defineRoute({
  method: 'PATCH',
  path: '/api/v1/watchlists/:id',
  tag: 'watchlists',
  summary:
    'Rename a watchlist or choose whether browsers learn of its membership (only `departing` by default: any holder of the ingest token can ask about any email). Audited.',
  params: WatchlistParams,
  body: z
    .strictObject({ name: Name.optional(), description: Description.optional(), syncToBrowsers: z.boolean().optional() })
    .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of name, description, syncToBrowsers'),
  response: z.object({ watchlist: Watchlist }),
  async handler({ params, body, principal, services }) {
    return { watchlist: await updateWatchlist(services.db, params.id, body, principal, services.now()) };
  },
});

const members = defineRoute({
  method: 'GET',
  path: '/api/v1/watchlists/:id/members',
  tag: 'watchlists',
  summary: 'The members of a watchlist, newest first, with cursor paging.',
  params: WatchlistParams,
  query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() }),
  response: z.object({ members: z.array(WatchlistMember), nextCursor: z.string().nullable() }),
  async handler({ params, query, services }) {
    const position = decodeCursor(MemberPosition, query.cursor);
    const page = await listMembers(services.db, params.id, { limit: query.limit, after: position && { at: position.a, email: position.e } });
    const last = page.at(-1);
    return { members: page, nextCursor: page.length === query.limit && last ? encodeCursor({ a: Date.parse(last.addedAt), e: last.email }) : null };
  },
});

const add = defineRoute({
  method: 'POST',
  path: '/api/v1/watchlists/:id/members',
  tag: 'watchlists',
  summary: 'Add a person (201), or update the notes and departure date of a member (200). Emails are lower-cased. Audited.',
  params: WatchlistParams,
  body: z.strictObject({ email: PersonEmail, notes: MemberNotes.nullable().optional(), departureDate: DateOnly.nullable().optional() }),
  response: z.object({ watchlist: z.string(), member: WatchlistMember }),
  async handler({ params, body, principal, services, reply }) {
    const { member, created } = await addMember(services.db, params.id, body, principal, services.now());
    reply.code(created ? 201 : 200);
    return { watchlist: params.id, member };
  },
});

const remove = defineRoute({
  method: 'DELETE',
  path: '/api/v1/watchlists/:id/members/:email',
  tag: 'watchlists',
  summary: 'Take a person off a watchlist. Audited.',
  params: z.object({ id: WatchlistId, email: PersonEmail }),
  response: z.object({ watchlist: z.string(), removed: WatchlistMember }),
  async handler({ params, principal, services }) {
    return { watchlist: params.id, removed: await removeMember(services.db, params.id, params.email, principal, services.now()) };
  },
});

export const WATCHLIST_ROUTES = [list, create, update, members, add, remove];
