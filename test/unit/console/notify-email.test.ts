// @vitest-environment node
/**
 * E-mail notifications against a real SMTP server (smtp-server on 127.0.0.1, random port): the
 * manager's notice and the default lesson to the user (both golden), a lesson with its own
 * template, text/plain only with hostile names kept as text and out of the headers, a missing
 * manager dead-lettered with the reason, and SMTP down → every message of the outage delivered
 * once after it.
 */
import { describe, expect, it } from 'vitest';
import { configureNotifications, runNotificationWorker } from '../../../console/notify/worker';
import { SmtpReceiver, type ReceivedMail } from '../../harness/smtp-receiver';
import { sampleEvent, sampleId } from '../support/sample-event';
import { expectGolden, hostileUpload, notifyEachTest, outageThenBack, T0 } from './notify-support';

type Mail = ReceivedMail;

/** A header's value, unfolded. */
const header = (mail: Mail, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(mail.raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' '))?.[1];

/** The message less what varies run to run (Message-ID, Date, MIME boundaries) and with a fixed alert id. */
function goldenMail(mail: Mail, alertId: string): string {
  const [head, ...body] = mail.raw.replace(/\r\n/g, '\n').split('\n\n');
  const headers = head!
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')
    .filter((h) => !/^(message-id|date):/i.test(h))
    .sort();
  // The body decoded from quoted-printable, so the alert id is whole wherever the line was cut.
  const decoded = Buffer.from(
    body
      .join('\n\n')
      .replace(/=\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => `%${hex}`)
      .replace(/%(?![0-9A-F]{2})/g, '%25'),
    'utf8',
  ).toString('utf8');
  const text = `MAIL FROM ${mail.from}\nRCPT TO ${mail.to.join(', ')}\n${headers.join('\n')}\n\n${decodeURIComponent(decoded)}`;
  return text.split(alertId).join('00000000-0000-4000-8000-00000000a1e7');
}

const each = notifyEachTest(
  () => new SmtpReceiver(),
  (c, smtp) => configureNotifications(c.built.services, { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'upwatch@acme.com' } }),
);

const alertId = async () => ((await each.c.call('read_only', 'GET', '/api/v1/alerts')).json().alerts as { id: string }[])[0]!.id;
const setManager = (email: string, managerEmail: string) => each.c.call('analyst', 'PATCH', `/api/v1/users/${email}`, { managerEmail });

describe('notifications: e-mail', () => {
  it("writes to the user's manager in plain text; hostile names stay text and out of the headers", async () => {
    await each.c.putChannel('manager', { name: 'Managers', rules: '*', config: { kind: 'email', to: 'manager' } });
    await setManager('ann@acme.com', 'boss@acme.com');
    await each.c.ingest(await hostileUpload(1, 'ann@acme.com'));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const [mail] = each.server.mails;
    expect(mail!.to).toEqual(['boss@acme.com']);
    expect(mail!.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8/im);
    expect(mail!.raw).not.toMatch(/text\/html/i);
    expect(header(mail!, 'X-Upwatch-Idempotency-Key')).toBe(`upwatch:${await alertId()}:1:manager`);
    expectGolden('email-manager', goldenMail(mail!, await alertId()));
  });

  it('sends the default Instructor-style lesson to the user, in plain text (golden)', async () => {
    await each.c.putChannel('lesson', { name: 'Lessons', rules: '*', config: { kind: 'email', to: 'user' } });
    await each.c.ingest(await hostileUpload(1, 'ann@acme.com'));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const [mail] = each.server.mails;
    expect(mail!.to).toEqual(['ann@acme.com']);
    expect(mail!.raw).not.toMatch(/text\/html/i);
    expectGolden('email-lesson', goldenMail(mail!, await alertId()));
  });

  it('sends the lesson to the user, from the channel’s own SMTP settings and template', async () => {
    await each.c.putChannel('lesson', {
      name: 'Lessons',
      rules: ['exfil'],
      config: {
        kind: 'email',
        to: 'user',
        subject: 'About {{files}}\r\nBcc: everyone@acme.com',
        template: 'Hi {{user}}, {{files}} went to {{destinations}}.',
        smtp: { host: '127.0.0.1', port: each.server.port, from: 'security@acme.com' },
      },
    });
    await each.c.ingest(
      await sampleEvent({
        id: sampleId(1),
        observedAt: new Date(T0).toISOString(),
        user: { email: 'ann@acme.com' },
        file: { name: 'x.py\r\nBcc: evil@evil.example', size: 9, mimeType: '' },
      }),
    );
    await runNotificationWorker(each.c.built.services);
    const [mail] = each.server.mails;
    expect(mail).toMatchObject({ from: 'security@acme.com', to: ['ann@acme.com'] });
    expect(mail!.raw).not.toMatch(/^Bcc:/im);
    expect(mail!.raw).toContain('Hi ann@acme.com, x.py  Bcc: evil@evil.example went to Dropbox.');
  });

  it('dead-letters a notice for someone without a manager on record, and says why', async () => {
    await each.c.putChannel('manager', { name: 'Managers', rules: '*', config: { kind: 'email', to: 'manager' } });
    await each.c.ingest(await sampleEvent({ id: sampleId(1), observedAt: new Date(T0).toISOString(), user: { email: 'ann@acme.com' } }));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 0, dead: 1 });
    const [dead] = (await each.c.call('analyst', 'GET', '/api/v1/notifications?state=dead')).json().notifications;
    expect(dead.lastError).toMatch(/ann@acme.com has no managerEmail/);
    // Once the manager is recorded, a retry from the API delivers it.
    await setManager('ann@acme.com', 'boss@acme.com');
    await each.c.call('analyst', 'POST', `/api/v1/notifications/${dead.id as string}/retry`);
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(each.server.mails.map((m) => m.to)).toEqual([['boss@acme.com']]);
  });

  it('delivers every message of an SMTP outage once when the server is back', async () => {
    await each.c.putChannel('soc', { name: 'SOC mailbox', rules: '*', config: { kind: 'email', to: ['soc@acme.com'] } });
    await outageThenBack(each, 1);
    expect(each.server.mails).toHaveLength(3);
    const keys = each.server.mails.map((m) => header(m, 'X-Upwatch-Idempotency-Key'));
    expect(new Set(keys).size).toBe(3);
  });
});
