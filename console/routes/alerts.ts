/** Alert rules and alerts (triage and SOAR incident fetching). Who may call each route: ../http/access.ts. */
import { z } from 'zod';
import { Severity } from '../../src/core/schema/identifiers';
import { AlertConditions, AlertRule, createRule, listRules, RuleId, RuleName, updateRule } from '../alerts/rules';
import { Alert, AlertNote, AlertState, getAlert, listAlerts, patchAlert } from '../alerts/store';
import type { ConsoleServices } from '../services';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute, HttpError } from '../http/route';
import { PersonEmail } from '../watchlists/store';

const listRulesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alert-rules',
  tag: 'alerts',
  summary: 'Every alert rule, oldest first.',
  response: z.object({ rules: z.array(AlertRule) }),
  async handler({ services }) {
    return { rules: await listRules(services.db) };
  },
});

const createRuleRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/alert-rules',
  tag: 'alerts',
  summary: 'Create an alert rule. Every condition given must hold; a list holds when any of its values does. Applies to events ingested from now on. Audited.',
  body: z.strictObject({ id: RuleId.optional(), name: RuleName, enabled: z.boolean().optional(), conditions: AlertConditions }),
  response: z.object({ rule: AlertRule }),
  async handler({ body, principal, services, reply }) {
    const rule = await createRule(services.db, body, principal, services.now());
    reply.code(201);
    return { rule };
  },
});

const updateRuleRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/alert-rules/:id',
  tag: 'alerts',
  summary: 'Enable, disable, rename or replace the conditions of an alert rule. Existing alerts keep their events. Audited.',
  params: z.object({ id: RuleId }),
  body: z
    .strictObject({ name: RuleName.optional(), enabled: z.boolean().optional(), conditions: AlertConditions.optional() })
    .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of name, enabled, conditions'),
  response: z.object({ rule: AlertRule }),
  async handler({ params, body, principal, services }) {
    return { rule: await updateRule(services.db, params.id, body, principal, services.now()) };
  },
});

const States = z
  .string()
  .max(100)
  .transform((s) => s.split(','))
  .pipe(z.array(AlertState).max(4));
const AlertPosition = z.object({ c: z.number().int(), q: z.number().int() });

/**
 * A change sequence number as text. The numbers commit in order (console/alerts/changes.ts), so a
 * poller that keeps the last one never misses an alert change and never sees one twice; an alert
 * that changes again comes again, at its new place.
 */
const ChangeCursor = z.string().regex(/^\d{1,15}$/, 'a feed cursor is the nextCursor of a previous feed answer, or 0');

async function alertFeed(
  query: {
    changedAfter?: string;
    createdAfter?: string;
    cursor?: string;
    updatedSince?: string;
    state?: AlertState[];
    minSeverity?: Severity;
    ruleId?: string;
    user?: string;
    limit: number;
  },
  services: ConsoleServices,
) {
  if (query.changedAfter !== undefined && query.createdAfter !== undefined) throw new HttpError(400, 'give changedAfter or createdAfter, not both');
  if (query.cursor !== undefined || query.updatedSince !== undefined)
    throw new HttpError(400, 'feed mode (changedAfter, createdAfter) pages by its own cursor: leave out cursor and updatedSince');
  const from = Number(query.changedAfter ?? query.createdAfter);
  const rows = await listAlerts(services.db, {
    states: query.state,
    minSeverity: query.minSeverity,
    ruleId: query.ruleId,
    user: query.user,
    limit: query.limit,
    ...(query.changedAfter !== undefined ? { changedAfter: from } : { createdAfter: from }),
  });
  const last = rows.at(-1);
  const next = last ? (query.changedAfter !== undefined ? last.changeSeq : last.createdSeq) : from;
  return { alerts: rows.map(({ seq: _seq, changeSeq: _c, createdSeq: _s, ...alert }) => alert), nextCursor: String(next) };
}

const listAlertsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alerts',
  tag: 'alerts',
  summary:
    'Alerts, newest first by creation, with cursor paging. Filters: state (comma list), minSeverity, ruleId, user, updatedSince. ' +
    'For polling (SOAR incident fetching) use feed mode instead: changedAfter (every change) or createdAfter (new alerts), oldest first, ' +
    'never an alert twice and never one skipped, even for changes made in the same millisecond. Notes are in GET /api/v1/alerts/{id}.',
  query: z.object({
    state: States.optional(),
    minSeverity: Severity.optional(),
    ruleId: RuleId.optional(),
    user: PersonEmail.optional(),
    updatedSince: z.iso.datetime({ offset: true }).optional(),
    changedAfter: ChangeCursor.optional().meta({
      description:
        'Feed mode: alerts whose latest change comes after this cursor, oldest change first; 0 starts at the beginning. Pass back nextCursor (never null here).',
    }),
    createdAfter: ChangeCursor.optional().meta({
      description: 'Feed mode for new alerts only (SOAR incident fetching): each alert once, oldest first; 0 starts at the beginning.',
    }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().optional(),
  }),
  response: z.object({ alerts: z.array(Alert), nextCursor: z.string().nullable() }),
  async handler({ query, services }) {
    if (query.changedAfter !== undefined || query.createdAfter !== undefined) return alertFeed(query, services);
    const after = decodeCursor(AlertPosition, query.cursor);
    const rows = await listAlerts(services.db, {
      states: query.state,
      minSeverity: query.minSeverity,
      ruleId: query.ruleId,
      user: query.user,
      updatedSince: query.updatedSince === undefined ? undefined : Date.parse(query.updatedSince),
      limit: query.limit,
      after,
    });
    const last = rows.at(-1);
    return {
      alerts: rows.map(({ seq: _seq, changeSeq: _c, createdSeq: _s, ...alert }) => alert),
      nextCursor: rows.length === query.limit && last ? encodeCursor({ c: Date.parse(last.createdAt), q: last.seq }) : null,
    };
  },
});

const AlertDetail = Alert.extend({
  notes: z.array(AlertNote),
  /** The alert's stored events, newest first; retention may have removed older ones. */
  events: z.array(z.unknown()),
  eventsNextCursor: z.string().nullable(),
});
const EventPosition = z.object({ s: z.number().int(), q: z.number().int() });

const getAlertRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/alerts/:id',
  tag: 'alerts',
  summary: 'One alert with its notes and its events (newest first; eventsLimit and eventsCursor page through them).',
  params: z.object({ id: z.uuid() }),
  query: z.object({ eventsLimit: z.coerce.number().int().min(1).max(500).default(100), eventsCursor: z.string().optional() }),
  response: AlertDetail,
  async handler({ params, query, services }) {
    const after = decodeCursor(EventPosition, query.eventsCursor);
    const { alert, notes, events, last } = await getAlert(services, params.id, { limit: query.eventsLimit, after });
    return { ...alert, notes, events, eventsNextCursor: last ? encodeCursor(last) : null };
  },
});

const patchAlertRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/alerts/:id',
  tag: 'alerts',
  summary:
    'Triage: change the state (OPEN, PENDING, CLOSED_TP, CLOSED_FP), the assignee (an email, or null) and/or add a note. A closed alert takes no new events. Each change is audited.',
  params: z.object({ id: z.uuid() }),
  body: z.strictObject({ state: AlertState.optional(), assignee: PersonEmail.nullable().optional(), note: z.string().trim().min(1).max(4000).optional() }),
  response: Alert.extend({ notes: z.array(AlertNote) }),
  async handler({ params, body, principal, services }) {
    if (body.state === undefined && body.assignee === undefined && body.note === undefined) throw new HttpError(400, 'give a state, an assignee or a note');
    const { alert, notes } = await patchAlert(services.db, params.id, body, principal, services.now());
    return { ...alert, notes };
  },
});

export const ALERT_ROUTES = [listRulesRoute, createRuleRoute, updateRuleRoute, listAlertsRoute, getAlertRoute, patchAlertRoute];
