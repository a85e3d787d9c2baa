// @vitest-environment node
/**
 * Notifications from untrusted text (the rendering audit), through the real outbox: an alert's user
 * is whatever an ingested event said, so a lesson mail is sent to it only when it is one bare
 * address (nodemailer reads "a@x, b@y" or a CR LF and a Bcc as more recipients); bidi controls leave
 * the text of e-mails and of the webhook ("invoice\u202Efdp.exe" reads "invoiceexe.pdf"); the XSOAR
 * alert incident's details are Markdown, so a file name, rule name or user there is escaped and its
 * name is one line.
 */
import { describe, expect, it } from 'vitest';
import { configureNotifications, runNotificationWorker } from '../../../console/notify/worker';
import { SmtpReceiver } from '../../harness/smtp-receiver';
import { sampleEvent, sampleId } from '../support/sample-event';
import { notifyEachTest, Receiver, T0 } from './notify-support';

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** RFC 2047 encoded words (B and Q) of a header, unfolded. */
const decodeWords = (value: string) =>
  value
    .replace(/\r\n[ \t]/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_m, kind: string, v: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(v, 'base64').toString('utf8') : quotedPrintable(v.replace(/_/g, ' ')),
    );
/** A quoted-printable text (soft line breaks joined), as UTF-8. */
const quotedPrintable = (value: string) => {
  const bytes: number[] = [];
  const text = value.replace(/=\r\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
};
const upload = (n: number, email: string, name: string) =>
  sampleEvent({ id: sampleId(n), observedAt: new Date(T0).toISOString(), user: { email }, file: { name, size: 10, mimeType: '' } });

describe('e-mail', () => {
  const each = notifyEachTest(
    () => new SmtpReceiver(),
    (c, smtp) => configureNotifications(c.built.services, { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'upwatch@acme.com' } }),
  );

  it.each([
    ['a second address after a comma', 'bob@acme.com, mallory@evil.example'],
    ['a second address after a semicolon', 'bob@acme.com;mallory@evil.example'],
    ['a line break and a Bcc', 'bob@acme.com\r\nbcc: mallory@evil.example'],
    ['a display name around another address', '"bob@acme.com" <mallory@evil.example>'],
  ])('never writes to an alert user with %s; the notification is dead with the reason', async (_what, email) => {
    await each.c.putChannel('lesson', { name: 'Lessons', rules: '*', config: { kind: 'email', to: 'user' } });
    await each.c.ingest(await upload(1, email, 'ledger.xlsx'));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(each.server.mails).toEqual([]);
    const [dead] = (await each.c.call('analyst', 'GET', '/api/v1/notifications')).json().notifications as { lastError: string }[];
    expect(dead!.lastError).toMatch(/not one e-mail address/);
  });

  it.each(['bob.o-neil+dlp@mail.acme.com', "d'arcy@acme.com"])('still writes to a plain address: %s', async (email) => {
    await each.c.putChannel('lesson', { name: 'Lessons', rules: '*', config: { kind: 'email', to: 'user' } });
    await each.c.ingest(await upload(1, email, 'ledger.xlsx'));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(each.server.mails.map((m) => m.to)).toEqual([[email]]);
  });

  it('shows the real extension in the subject and the body: bidi controls are removed', async () => {
    await each.c.putChannel('lesson', { name: 'Lessons', rules: '*', config: { kind: 'email', to: 'user', subject: 'About {{files}}' } });
    await each.c.ingest(await upload(1, 'bob@acme.com', 'invoice\u202Efdp.exe'), await upload(2, 'bob@acme.com', 'photo\u2067gpj\u2069\u061C.scr'));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const [head, ...rest] = each.server.mails[0]!.raw.split('\r\n\r\n');
    const subject = decodeWords(/^Subject: (.*(?:\r\n[ \t].*)*)/im.exec(head!)![1]!);
    expect(subject).toContain('invoice fdp.exe');
    expect(subject).not.toMatch(BIDI);
    const text = quotedPrintable(rest.join('\r\n\r\n'));
    expect(text).toContain('invoice fdp.exe');
    expect(text).toContain('photo gpj  .scr');
    expect(text).not.toMatch(BIDI);
  });
});

describe('webhook and XSOAR', () => {
  const each = notifyEachTest(() => new Receiver());

  it('the webhook text shows the real extension (the events keep the name as it was)', async () => {
    await each.c.putChannel('hook', { name: 'Hook', rules: '*', config: { kind: 'webhook', url: each.server.url() }, secret: 'whsec_0123456789abcdef' });
    await each.c.ingest(await upload(1, 'bob@acme.com', 'invoice\u202Efdp.exe'));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const json = each.server.received[0]!.json as { text: string; events: { file: { name: string } }[] };
    expect(json.text).toContain('invoice fdp.exe');
    expect(json.text).not.toMatch(BIDI);
    expect(json.events[0]!.file.name).toBe('invoice\u202Efdp.exe');
  });

  it('the XSOAR incident: Markdown in the details is escaped, the name is one line', async () => {
    await each.c.putChannel('xsoar', { name: 'XSOAR', rules: '*', config: { kind: 'xsoar', url: each.server.url('/xsoar') }, secret: 'svc:pw' });
    await each.c.ingest(
      await upload(1, 'bob@acme.com\n# owned [login](https://evil.example)', '![t](https://evil.example/t.png) [x](https://evil.example).pdf'),
    );
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const incident = each.server.received[0]!.json as { name: string; details: string };
    expect(incident.name).not.toMatch(/[\r\n]/);
    expect(incident.name).toContain('# owned [login](https://evil.example)');
    const lines = incident.details.split('\n');
    expect(lines.filter((l) => /^\s*#/.test(l))).toEqual([]);
    expect(incident.details).not.toMatch(/(?<!\\)\[(?:login|x|t)(?<!\\)\]\(/);
    expect(incident.details).not.toMatch(/(?<!\\)!(?<!\\)\[/);
    expect(incident.details).toContain('\\!\\[t\\](https://evil.example/t.png) \\[x\\](https://evil.example).pdf');
    expect(incident.details).toContain('User: bob@acme.com \\# owned \\[login\\](https://evil.example)');
  });

  it('Slack: a URL or #channel in a file name is not made a link (every mrkdwn text is verbatim)', async () => {
    await each.c.putChannel('slack', { name: 'Slack', rules: '*', config: { kind: 'slack', url: each.server.url('/services/T0/B0/x') } });
    await each.c.ingest(await upload(1, 'bob@acme.com', 'https://evil.example/reset #general @here.pdf'));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const { blocks } = each.server.received[0]!.json as { blocks: { text?: object; fields?: object[]; elements?: object[] }[] };
    const texts = blocks.flatMap((b) => [b.text, ...(b.fields ?? []), ...(b.elements ?? [])]).filter(Boolean) as {
      type: string;
      text: string;
      verbatim?: boolean;
    }[];
    expect(texts.length).toBe(6);
    for (const t of texts) expect(t).toMatchObject({ type: 'mrkdwn', verbatim: true });
    expect(texts[0]!.text).toContain('https://evil.example/reset #general @here.pdf');
  });
});
