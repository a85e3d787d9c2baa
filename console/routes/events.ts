/** Forensic search over stored events. (Filters, export and exposure: being extended.) */
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute, HttpError } from '../http/route';

const Position = z.object({ s: z.number(), q: z.number() });

const listEvents = defineRoute({
  method: 'GET',
  path: '/api/v1/events',
  tag: 'events',
  summary: 'Stored events, newest first, with cursor paging.',
  query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() }),
  async handler({ query, services }) {
    const position = decodeCursor(Position, query.cursor);
    let q = services.db.selectFrom('events').select(['seq', 'sort_at', 'body', 'received_at', 'credential_id', 'client_ip']).orderBy('sort_at', 'desc').orderBy('seq', 'desc').limit(query.limit);
    if (position) q = q.where((eb) => eb.or([eb('sort_at', '<', position.s), eb.and([eb('sort_at', '=', position.s), eb('seq', '<', position.q)])]));
    const rows = await q.execute();
    const last = rows.at(-1);
    return { events: await services.events.toApiEvents(rows), nextCursor: rows.length === query.limit && last ? encodeCursor({ s: Number(last.sort_at), q: Number(last.seq) }) : null };
  },
});

const getEvent = defineRoute({
  method: 'GET',
  path: '/api/v1/events/:id',
  tag: 'events',
  summary: 'One stored event, with how it arrived (time, credential, client address).',
  params: z.object({ id: z.uuid() }),
  async handler({ params, services }) {
    const event = await services.events.get(params.id);
    if (!event) throw new HttpError(404, 'no such event');
    return event;
  },
});

export const EVENT_ROUTES = [listEvents, getEvent];
