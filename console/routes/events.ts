/** Forensic search over stored events, its export, one event, and the risk exposure summary. */
import { z } from 'zod';
import { FileEvent } from '../../src/core/schema/event';
import { computeExposure, ExposureAnswer, ExposureQuery } from '../events/exposure';
import { CONTENT_TYPES, CSV_COLUMNS, exportFileName, exportStream } from '../events/export';
import { filterQuery, SEARCH_ORDERS, searchEvents, SearchPosition } from '../events/search';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute, HttpError } from '../http/route';

/** An event as the API answers it: as the browser sent it, plus how it arrived. */
const ApiEventSchema = FileEvent.extend({
  received: z.object({
    at: z.string(),
    credential: z.string().nullable().meta({ description: 'The name of the ingest token that delivered it' }),
    clientIp: z.string().nullable(),
  }),
});

const OrderQuery = z
  .enum(SEARCH_ORDERS, { error: `order must be one of: ${SEARCH_ORDERS.join(', ')}` })
  .default('newest')
  .meta({
    description:
      'newest (default): newest first by observed time; oldest: oldest first; riskiest: highest risk score first, then newest. ' +
      'A cursor continues the order it was given for and is refused by another.',
  });

const SearchQuery = filterQuery({
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'Events per page (1–500, default 100).' }),
  cursor: z.string().max(512).optional().meta({ description: 'The nextCursor of the previous page, unchanged (with the same order).' }),
  order: OrderQuery,
});

const listEvents = defineRoute({
  method: 'GET',
  path: '/api/v1/events',
  tag: 'events',
  summary:
    'Forensic search: stored events matching every filter given (a comma-separated filter matches any of its values), newest first by observed time (or as `order` says) — ' +
    'an observed time more than 5 minutes after receipt counts as the receipt time. `nextCursor` continues the listing (null at the end); ' +
    'paging lists every event stored when the first page was served exactly once, whatever arrives meanwhile.',
  query: SearchQuery,
  response: z.object({ events: z.array(ApiEventSchema), nextCursor: z.string().nullable() }),
  async handler({ query, services }) {
    const { limit, cursor, order, ...filters } = query;
    const page = await searchEvents(services.db, filters, limit, decodeCursor(SearchPosition, cursor), order);
    return { events: await services.events.toApiEvents(page.rows), nextCursor: page.next ? encodeCursor(page.next) : null };
  },
});

const exportEvents = defineRoute({
  method: 'GET',
  path: '/api/v1/events/export',
  tag: 'events',
  summary:
    'The whole search (same filters and `order` as GET /api/v1/events) as a download, streamed: `format=csv` (text/csv, columns ' +
    CSV_COLUMNS.map(([name]) => name).join(', ') +
    ' (indicators ;-joined); ' +
    "cells starting with =, +, -, @, tab or CR are prefixed with ') or `format=ndjson` (application/x-ndjson, one event per line).",
  query: filterQuery({ format: z.enum(['csv', 'ndjson']).default('csv').meta({ description: 'csv (default) or ndjson.' }), order: OrderQuery }),
  produces: 'text/csv',
  async handler({ query, services, reply }) {
    const { format, order, ...filters } = query;
    return reply
      .header('Content-Disposition', `attachment; filename=${exportFileName(format, services.now())}`)
      .header('Cache-Control', 'no-store')
      .type(CONTENT_TYPES[format])
      .send(exportStream(services.db, services.events, filters, format, order));
  },
});

const getEvent = defineRoute({
  method: 'GET',
  path: '/api/v1/events/:id',
  tag: 'events',
  summary: 'One stored event, with how it arrived (time, credential, client address).',
  params: z.object({ id: z.uuid() }),
  response: ApiEventSchema,
  async handler({ params, services }) {
    const event = await services.events.get(params.id);
    if (!event) throw new HttpError(404, 'no such event');
    return event;
  },
});

const exposure = defineRoute({
  method: 'GET',
  path: '/api/v1/exposure',
  tag: 'events',
  summary:
    'Risk exposure of a time range (default: the last 7 UTC days; at most 400 days and 2,000 buckets): events by severity per hour or day, ' +
    'and the top users and destinations (by summed score) and indicators (by events). Times are the events’ observed times, as in search; ' +
    'the series covers whole buckets and the top lists whole UTC days (coveredFrom/coveredTo say which).',
  query: ExposureQuery,
  response: ExposureAnswer,
  async handler({ query, services }) {
    return computeExposure(services.db, query, services.now());
  },
});

export const EVENT_ROUTES = [listEvents, exportEvents, getEvent, exposure];
