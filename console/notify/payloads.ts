/**
 * The HTTP channels' requests, pure (golden files in test/fixtures/notify hold their exact bytes).
 * Every body is built as data and serialised with JSON.stringify; text shown in Slack or Teams has
 * its untrusted values escaped for that medium (./templates.ts).
 *
 * - xsoar: Cortex XSOAR Generic Webhook, one incident per alert (type "Upwatch Alert"), its events
 *   in `rawJson.events`; Basic authentication with the instance's `username:password` (the secret).
 * - slack: a Slack-compatible incoming webhook: `text` (fallback and notifications) and `blocks`.
 * - teams: a Microsoft Teams workflow ("When a Teams webhook request is received") takes a message
 *   whose `attachments` hold an Adaptive Card.
 * - webhook: the notification as JSON, signed: `X-Upwatch-Signature: v1=<hex HMAC-SHA256 of
 *   "<X-Upwatch-Timestamp>.<body>" keyed with the secret>` (docs/integrations/webhooks.md).
 */
import { createHmac } from 'node:crypto';
import { markdownText, plainLine } from '../../src/core/formats/escape';
import { xsoarIncident } from '../../src/core/formats/xsoar';
import type { Channel } from './channels';
import { templateValues, type NotificationContext } from './context';
import { DEFAULT_TEXT, render, slackEscape, teamsEscape, plainEscape } from './templates';

export interface HttpRequestSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export const XSOAR_ALERT_INCIDENT_TYPE = 'Upwatch Alert';
/** XSOAR severities (0.5 informational … 4 critical), as src/core/formats/xsoar.ts maps event severities. */
const XSOAR_SEVERITY: Record<string, number> = { none: 0.5, low: 1, moderate: 2, high: 3, critical: 4 };

/** The alert as the generic webhook and XSOAR carry it (the snapshot less its internal event bound). */
function alertData(ctx: NotificationContext) {
  const { maxEventSeq: _max, ...alert } = ctx.alert;
  return { ...alert, url: ctx.alertUrl };
}

export function xsoarRequest(ctx: NotificationContext, channel: Channel, url: string): HttpRequestSpec {
  const a = ctx.alert;
  const values = templateValues(ctx);
  // As src/core/formats/xsoar.ts: the name is one plain line, the details Markdown with every
  // untrusted value (rule name, user, destinations, each event's line with its file name) escaped.
  const md = (v: string) => markdownText(v, 1024);
  const incident = {
    name: plainLine(`Upwatch: ${a.ruleName} — ${values.user} (${a.eventCount} event${a.eventCount === 1 ? '' : 's'})`, 1024),
    type: XSOAR_ALERT_INCIDENT_TYPE,
    severity: XSOAR_SEVERITY[a.severity] ?? 0,
    occurred: a.firstEventAt,
    details: [
      `Rule: ${md(a.ruleName)}`,
      `User: ${md(values.user)}`,
      `Severity: ${a.severity}, ${a.eventCount} event(s) from ${a.firstEventAt} to ${a.lastEventAt}`,
      `Destinations: ${md(values.destinations)}`,
      `Console: ${ctx.alertUrl}`,
      '',
      // One line per event, as the extension's own XSOAR format names an event.
      ...ctx.events.map((e) => `- ${md(xsoarIncident(e).name)}`),
    ].join('\n'),
    dbotMirrorId: a.id,
    labels: [
      { type: 'upwatch_alert_id', value: a.id },
      { type: 'upwatch_rule_id', value: a.ruleId },
      { type: 'upwatch_user', value: a.user ?? '' },
      { type: 'upwatch_idempotency_key', value: ctx.idempotencyKey },
    ],
    rawJson: { idempotencyKey: ctx.idempotencyKey, changeSeq: ctx.changeSeq, change: ctx.change, alert: alertData(ctx), events: ctx.events },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-upwatch-idempotency-key': ctx.idempotencyKey };
  if (channel.secret) headers.authorization = `Basic ${Buffer.from(channel.secret, 'utf8').toString('base64')}`;
  return { url, headers, body: JSON.stringify(incident) };
}

export function slackRequest(ctx: NotificationContext, template: string | undefined, url: string): HttpRequestSpec {
  const values = templateValues(ctx);
  const text = render(template ?? DEFAULT_TEXT, values, slackEscape);
  const e = slackEscape;
  // verbatim: Slack otherwise turns a URL, a #channel or an @mention inside a file name into a
  // link or a mention (Block Kit text object); our own <url|label> is a manual parsing string and stays one.
  const mrkdwn = (t: string) => ({ type: 'mrkdwn', text: t, verbatim: true });
  const body = {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(text) },
      {
        type: 'section',
        fields: [
          mrkdwn(`*Rule*\n${e(values.ruleName)}`),
          mrkdwn(`*User*\n${e(values.user)}`),
          mrkdwn(`*Severity*\n${e(values.severity)}`),
          mrkdwn(`*Events*\n${e(values.eventCount)}`),
        ],
      },
      { type: 'context', elements: [mrkdwn(`Upwatch · ${e(values.change)} · <${ctx.alertUrl}|open the alert>`)] },
    ],
  };
  return { url, headers: { 'content-type': 'application/json', 'x-upwatch-idempotency-key': ctx.idempotencyKey }, body: JSON.stringify(body) };
}

export function teamsRequest(ctx: NotificationContext, template: string | undefined, url: string): HttpRequestSpec {
  const values = templateValues(ctx);
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: `Upwatch: ${teamsEscape(values.ruleName)}` },
      { type: 'TextBlock', wrap: true, text: render(template ?? DEFAULT_TEXT, values, teamsEscape) },
      {
        type: 'FactSet',
        facts: [
          { title: 'User', value: teamsEscape(values.user) },
          { title: 'Severity', value: teamsEscape(values.severity) },
          { title: 'Events', value: values.eventCount },
          { title: 'Destinations', value: teamsEscape(values.destinations) },
          { title: 'Change', value: teamsEscape(values.change) },
        ],
      },
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open the alert', url: ctx.alertUrl }],
    msteams: { width: 'Full' },
  };
  const body = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
  return { url, headers: { 'content-type': 'application/json', 'x-upwatch-idempotency-key': ctx.idempotencyKey }, body: JSON.stringify(body) };
}

export const SIGNATURE_HEADER = 'x-upwatch-signature';
export const TIMESTAMP_HEADER = 'x-upwatch-timestamp';

export function signature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** `nowMs` is the send time: the timestamp is signed with the body, so a receiver can refuse replays. */
export function webhookRequest(ctx: NotificationContext, channel: Channel, template: string | undefined, url: string, nowMs: number): HttpRequestSpec {
  const body = JSON.stringify({
    type: 'upwatch.alert',
    idempotencyKey: ctx.idempotencyKey,
    changeSeq: ctx.changeSeq,
    change: ctx.change,
    text: render(template ?? DEFAULT_TEXT, templateValues(ctx), plainEscape),
    alert: alertData(ctx),
    events: ctx.events,
  });
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    url,
    headers: {
      'content-type': 'application/json',
      'x-upwatch-idempotency-key': ctx.idempotencyKey,
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signature(channel.secret ?? '', timestamp, body),
    },
    body,
  };
}

export function httpRequestFor(ctx: NotificationContext, channel: Channel, nowMs: number): HttpRequestSpec {
  const c = channel.config;
  switch (c.kind) {
    case 'xsoar':
      return xsoarRequest(ctx, channel, c.url);
    case 'slack':
      return slackRequest(ctx, c.template, c.url);
    case 'teams':
      return teamsRequest(ctx, c.template, c.url);
    case 'webhook':
      return webhookRequest(ctx, channel, c.template, c.url, nowMs);
    case 'email':
      throw new Error('e-mail is not an HTTP channel');
  }
}
