/**
 * E-mail notifications over SMTP (nodemailer): to the alert user's manager (their risk profile's
 * managerEmail), an Incydr "Instructor"-style lesson to the user, or fixed addresses. Messages are
 * text/plain only, so no value can become HTML; values stay on one line, so none can add a header.
 *
 * The SMTP server comes from the channel's `smtp` settings or else the console's environment:
 * UPWATCH_SMTP_HOST, UPWATCH_SMTP_PORT (587), UPWATCH_SMTP_SECURE (1: TLS from the start),
 * UPWATCH_SMTP_USER, UPWATCH_SMTP_FROM, and the password from the channel's secret,
 * UPWATCH_SMTP_PASSWORD or the file named by UPWATCH_SMTP_PASSWORD_FILE (never a command line).
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { Channel, ChannelConfig, SmtpSettings } from './channels';
import { templateValues, type NotificationContext } from './context';
import { LESSON_BODY, LESSON_SUBJECT, MANAGER_BODY, MANAGER_SUBJECT, oneLine, plainEscape, render } from './templates';
import type { Delivery } from './worker';

type EmailConfig = Extract<ChannelConfig, { kind: 'email' }>;

export interface MailSpec {
  from: string;
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * One plain address, nothing else. The alert's user is whatever an ingested event said: nodemailer
 * reads "bob@acme.com, eve@evil.example" (or a CR LF and a Bcc) in one recipient as several
 * recipients, so anything more than a bare address is refused, never sent. (A manager's address
 * is checked as an e-mail address when an analyst sets it.)
 */
const ONE_ADDRESS = /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f-\u009f]{1,64}@[A-Za-z0-9.-]{1,253}$/;
export const isOneAddress = (value: string) => ONE_ADDRESS.test(value);

/** The message, or why it cannot be sent (no manager on record, no user on the alert). */
export function mailFor(ctx: NotificationContext, config: EmailConfig, from: string): MailSpec | { refused: string } {
  let to: string[];
  if (config.to === 'manager') {
    if (!ctx.managerEmail) return { refused: `${ctx.alert.user ?? 'the alert'} has no managerEmail in their risk profile` };
    to = [ctx.managerEmail];
  } else if (config.to === 'user') {
    if (!ctx.alert.user) return { refused: 'the alert has no user to write to' };
    if (!isOneAddress(ctx.alert.user)) return { refused: `the alert's user is not one e-mail address: ${JSON.stringify(ctx.alert.user.slice(0, 120))}` };
    to = [ctx.alert.user];
  } else {
    to = config.to;
  }
  const lesson = (config.preset ?? (config.to === 'user' ? 'lesson' : 'manager')) === 'lesson';
  const values = templateValues(ctx);
  return {
    from,
    to,
    subject: oneLine(render(config.subject ?? (lesson ? LESSON_SUBJECT : MANAGER_SUBJECT), values, plainEscape)).slice(0, 300),
    text: render(config.template ?? (lesson ? LESSON_BODY : MANAGER_BODY), values, plainEscape),
    headers: { 'X-Upwatch-Idempotency-Key': ctx.idempotencyKey },
  };
}

export function smtpFromEnv(env: NodeJS.ProcessEnv = process.env): (SmtpSettings & { password?: string }) | undefined {
  if (!env.UPWATCH_SMTP_HOST) return undefined;
  const file = env.UPWATCH_SMTP_PASSWORD_FILE;
  const password = env.UPWATCH_SMTP_PASSWORD ?? (file ? readFileSync(file, 'utf8').trim() : undefined);
  return {
    host: env.UPWATCH_SMTP_HOST,
    port: Number(env.UPWATCH_SMTP_PORT ?? 587),
    secure: env.UPWATCH_SMTP_SECURE === '1',
    ...(env.UPWATCH_SMTP_USER && { user: env.UPWATCH_SMTP_USER }),
    from: env.UPWATCH_SMTP_FROM ?? 'upwatch@localhost',
    ...(password !== undefined && { password }),
  };
}

/** SMTP reply codes: 4xx is "try again later", 5xx a refusal; no reply (connection, TLS) is retried. */
function outcomeOf(err: unknown): Delivery {
  const e = err as { responseCode?: number; message?: string; code?: string };
  const error = `SMTP: ${e.responseCode ?? e.code ?? ''} ${e.message ?? String(err)}`.slice(0, 500);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { kind: 'dead', error };
  return { kind: 'retry', error };
}

export async function sendMail(ctx: NotificationContext, channel: Channel, fallback: (SmtpSettings & { password?: string }) | undefined): Promise<Delivery> {
  const config = channel.config as EmailConfig;
  const smtp = config.smtp ?? fallback;
  if (!smtp) return { kind: 'retry', error: 'no SMTP server: set the channel smtp settings or UPWATCH_SMTP_HOST' };
  const mail = mailFor(ctx, config, smtp.from);
  if ('refused' in mail) return { kind: 'dead', error: mail.refused };
  const password = channel.secret ?? (config.smtp ? undefined : fallback?.password);
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user && { auth: { user: smtp.user, pass: password ?? '' } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, headers: mail.headers });
    return { kind: 'ok' };
  } catch (err) {
    return outcomeOf(err);
  } finally {
    transport.close();
  }
}
