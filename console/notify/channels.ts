/**
 * Notification channels: where alert notifications go (an XSOAR Generic Webhook, a Slack or Teams
 * webhook, a signed JSON webhook, e-mail), which rules' alerts and which kinds of change. Admins
 * configure them (they hold URLs and secrets). The secret (HMAC key, XSOAR `username:password`, SMTP
 * password) is write-only: answers and the audit log say whether one is set, never what it is, and
 * URLs are shown without their query (and, for Slack and Teams, whose URLs are the credential,
 * without their path).
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { actorOf, type Principal } from '../auth/roles';
import { ALERT_CHANGE_KINDS } from '../alerts/changes';
import { RuleId } from '../alerts/rules';
import type { ConsoleDatabase } from '../db/schema';
import { HttpError } from '../http/route';
import { PersonEmail } from '../watchlists/store';
import { unknownPlaceholders } from './templates';

type Db = Kysely<ConsoleDatabase> | Transaction<ConsoleDatabase>;

export const CHANNEL_KINDS = ['xsoar', 'slack', 'teams', 'webhook', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const ChannelId = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'a channel id is 1–64 of a–z, 0–9, _ and -');
const MAX_CHANNELS = 50;

const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .meta({ description: 'http(s) URL; plain http only for a receiver on a trusted network.' });
const Template = z
  .string()
  .max(4000)
  .superRefine((t, ctx) => {
    const unknown = unknownPlaceholders(t);
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown placeholder(s): ${unknown.join(', ')}` });
  });
const Smtp = z.strictObject({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535),
  /** true: TLS from the start (465); false: STARTTLS when the server offers it (587, 25). */
  secure: z.boolean().default(false),
  user: z.string().max(255).optional(),
  from: z.string().max(320),
});
export type SmtpSettings = z.infer<typeof Smtp>;

export const ChannelConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('xsoar'), url: HttpUrl }),
  z.strictObject({ kind: z.literal('slack'), url: HttpUrl, template: Template.optional() }),
  z.strictObject({ kind: z.literal('teams'), url: HttpUrl, template: Template.optional() }),
  z.strictObject({ kind: z.literal('webhook'), url: HttpUrl, template: Template.optional() }),
  z.strictObject({
    kind: z.literal('email'),
    /** The alert user's manager (their risk profile's managerEmail), the user (a lesson), or addresses. */
    to: z.union([z.literal('manager'), z.literal('user'), z.array(PersonEmail).min(1).max(50)]),
    /** Default: the manager notice for `manager` and addresses, the lesson for `user`. */
    preset: z.enum(['manager', 'lesson']).optional(),
    subject: Template.pipe(z.string().max(300)).optional(),
    template: Template.optional(),
    /** Absent: the UPWATCH_SMTP_* environment of the console. */
    smtp: Smtp.optional(),
  }),
]);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

export const ChannelInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  /** '*' (every rule) or the rules whose alerts notify. */
  rules: z.union([z.literal('*'), z.array(RuleId).min(1).max(200)]),
  /** Which changes notify; default: new alerts only. XSOAR takes new alerts only (one incident per alert). */
  on: z.array(z.enum(ALERT_CHANGE_KINDS)).min(1).max(5).default(['created']),
  config: ChannelConfig,
  /** Write-only. Absent: keep the one set; null: remove it. */
  secret: z.string().min(1).max(4096).nullable().optional(),
});
export type ChannelInput = z.infer<typeof ChannelInput>;

export const ChannelView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  enabled: z.boolean(),
  rules: z.union([z.literal('*'), z.array(z.string())]),
  on: z.array(z.enum(ALERT_CHANGE_KINDS)),
  config: z.record(z.string(), z.unknown()),
  hasSecret: z.boolean(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type ChannelView = z.infer<typeof ChannelView>;

/** A channel as the worker uses it (with its secret). */
export interface Channel {
  id: string;
  name: string;
  enabled: boolean;
  rules: '*' | string[];
  on: string[];
  config: ChannelConfig;
  secret: string | null;
}

type Row = ConsoleDatabase['notification_channels'];

export function toChannel(row: Row): Channel {
  return {
    id: row.id,
    name: row.name,
    enabled: Number(row.enabled) === 1,
    rules: JSON.parse(row.rules) as Channel['rules'],
    on: JSON.parse(row.on_changes) as string[],
    config: JSON.parse(row.config) as ChannelConfig,
    secret: row.secret,
  };
}

export function shownUrl(kind: ChannelKind, url: string): string {
  const u = new URL(url);
  return kind === 'slack' || kind === 'teams' ? `${u.origin}/…` : `${u.origin}${u.pathname}`;
}

function view(row: Row): ChannelView {
  const c = toChannel(row);
  const config: Record<string, unknown> = { ...c.config };
  if ('url' in c.config) config.url = shownUrl(c.config.kind, c.config.url);
  return {
    id: c.id,
    name: c.name,
    kind: c.config.kind,
    enabled: c.enabled,
    rules: c.rules,
    on: c.on as ChannelView['on'],
    config,
    hasSecret: c.secret !== null,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    createdBy: row.created_by,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export async function listChannels(db: Db): Promise<ChannelView[]> {
  return (await db.selectFrom('notification_channels').selectAll().orderBy('id').execute()).map(view);
}

/** Creates or replaces a channel (the secret stays unless given); audited without the secret. */
export async function putChannel(
  db: Kysely<ConsoleDatabase>,
  id: string,
  input: ChannelInput,
  principal: Principal,
  now: number,
): Promise<{ channel: ChannelView; created: boolean }> {
  if (input.config.kind === 'xsoar' && input.on.some((k) => k !== 'created')) {
    throw new HttpError(400, 'an XSOAR channel notifies new alerts only (on: ["created"]): the Generic Webhook makes one incident per notification');
  }
  if (input.config.kind === 'webhook' && input.secret === null) throw new HttpError(400, 'a signed webhook needs a secret');
  return db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
    if (!old) {
      const count = await trx
        .selectFrom('notification_channels')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_CHANNELS) throw new HttpError(409, `at most ${MAX_CHANNELS} notification channels`);
    }
    const secret = input.secret === undefined ? (old?.secret ?? null) : input.secret;
    if (input.config.kind === 'webhook' && (secret === null || secret.length < 16))
      throw new HttpError(400, 'a signed webhook needs a secret of at least 16 characters');
    if (input.rules !== '*') {
      const found = await trx.selectFrom('alert_rules').select('id').where('id', 'in', input.rules).execute();
      const missing = input.rules.filter((r) => !found.some((f) => f.id === r));
      if (missing.length) throw new HttpError(400, `no such alert rule: ${missing.join(', ')}`, { rules: missing });
    }
    const values = {
      name: input.name,
      kind: input.config.kind,
      enabled: input.enabled ? 1 : 0,
      rules: JSON.stringify(input.rules),
      on_changes: JSON.stringify([...new Set(input.on)]),
      config: JSON.stringify(input.config),
      secret,
      updated_at: now,
    };
    if (old) await trx.updateTable('notification_channels').set(values).where('id', '=', id).execute();
    else
      await trx
        .insertInto('notification_channels')
        .values({ id, ...values, created_at: now, created_by: actorOf(principal) })
        .execute();
    const row = await trx.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const channel = view(row);
    await recordAudit(
      trx,
      {
        actor: principal,
        action: old ? 'notification_channel.updated' : 'notification_channel.created',
        target: `notification_channel:${id}`,
        ...(old && { before: view(old) }),
        after: { ...channel, secretChanged: input.secret !== undefined },
      },
      now,
    );
    return { channel, created: !old };
  });
}

export async function deleteChannel(db: Kysely<ConsoleDatabase>, id: string, principal: Principal, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
    if (!old) throw new HttpError(404, `no notification channel ${id}`);
    // Another request may have deleted it since the read (PostgreSQL reads committed data): then this one deleted nothing.
    const { numDeletedRows } = await trx.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
    if (numDeletedRows === 0n) throw new HttpError(404, `no notification channel ${id}`);
    await recordAudit(trx, { actor: principal, action: 'notification_channel.deleted', target: `notification_channel:${id}`, before: view(old) }, now);
  });
}
