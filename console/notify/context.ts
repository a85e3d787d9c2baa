/**
 * What a notification tells: the alert as the change left it, the change, its events (the newest
 * 20 that belonged to it), where they went and the person's manager; and the template values made
 * from them. Channels turn this into their payload (./payloads.ts, ./email.ts).
 */
import type { ApiEvent } from '../events/store';
import type { ConsoleServices } from '../services';
import type { AlertSnapshot } from './outbox';
import type { TemplateValues } from './templates';

/** Events a notification carries; the alert's page in the console has all of them. */
export const EVENTS_PER_NOTIFICATION = 20;
const LISTED = 5;

export interface NotificationContext {
  idempotencyKey: string;
  changeSeq: number;
  change: string[];
  alert: AlertSnapshot;
  alertUrl: string;
  events: ApiEvent[];
  /** Distinct destinations of the events (service name, else host), most used first. */
  destinations: string[];
  files: string[];
  managerEmail: string | null;
}

export async function loadContext(
  services: ConsoleServices,
  row: { alert_seq: number; change_seq: number; change_kinds: string; snapshot: string; idempotency_key: string },
  publicUrl: string,
): Promise<NotificationContext> {
  const alert = JSON.parse(row.snapshot) as AlertSnapshot;
  const rows = await services.db
    .selectFrom('alert_events as ae')
    .innerJoin('events as e', 'e.seq', 'ae.event_seq')
    .select(['e.body', 'e.received_at', 'e.credential_id', 'e.client_ip'])
    .where('ae.alert_seq', '=', Number(row.alert_seq))
    .where('ae.event_seq', '<=', alert.maxEventSeq)
    .orderBy('ae.sort_at', 'desc')
    .orderBy('ae.event_seq', 'desc')
    .limit(EVENTS_PER_NOTIFICATION)
    .execute();
  const events = await services.events.toApiEvents(rows);
  const count = (values: string[]) => {
    const n = new Map<string, number>();
    for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
    return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
  };
  const profile = alert.user
    ? await services.db.selectFrom('user_profiles').select('manager_email').where('email', '=', alert.user).executeTakeFirst()
    : undefined;
  return {
    idempotencyKey: row.idempotency_key,
    changeSeq: Number(row.change_seq),
    change: JSON.parse(row.change_kinds) as string[],
    alert,
    alertUrl: `${publicUrl.replace(/\/+$/, '')}/alerts/${alert.id}`,
    events,
    destinations: count(events.map((e) => e.destination.serviceName ?? (e.destination.host || 'unknown'))),
    files: count(events.map((e) => e.file.name)),
    managerEmail: profile?.manager_email ?? null,
  };
}

const listed = (items: string[]) => (items.length <= LISTED ? items.join(', ') : `${items.slice(0, LISTED).join(', ')} and ${items.length - LISTED} more`);

export function templateValues(ctx: NotificationContext): TemplateValues {
  const a = ctx.alert;
  return {
    user: a.user ?? 'an unknown user',
    ruleName: a.ruleName,
    severity: a.severity,
    state: a.state,
    eventCount: String(a.eventCount),
    destinations: listed(ctx.destinations) || 'no stored destination',
    files: listed(ctx.files) || 'no stored file',
    firstEventAt: a.firstEventAt,
    lastEventAt: a.lastEventAt,
    alertUrl: ctx.alertUrl,
    alertId: a.id,
    change: ctx.change.join(', ').replace(/_/g, ' '),
    manager: ctx.managerEmail ?? 'no manager on record',
  };
}
