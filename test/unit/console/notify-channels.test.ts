// @vitest-environment node
/**
 * The XSOAR, Slack and Teams channels against a real receiver on 127.0.0.1: each payload's exact
 * content (golden files), hostile file names and titles kept as data (never markup, a mention or a
 * link), and for each channel: receiver down → every notification of the outage delivered once
 * after it comes back.
 */
import { describe, expect, it } from 'vitest';
import { runNotificationWorker } from '../../../console/notify/worker';
import { expectGolden, goldenText, hostileUpload, MIN, notifyEachTest, OUTAGE_USERS, outageThenBack, Receiver, T0 } from './notify-support';

const each = notifyEachTest(() => new Receiver());

const CHANNELS = {
  xsoar: () => ({ name: 'XSOAR', rules: '*', config: { kind: 'xsoar', url: each.server.url('/instance/execute/upwatch') }, secret: 'svc-upwatch:pa55word' }),
  slack: () => ({ name: 'Slack #soc', rules: ['exfil'], config: { kind: 'slack', url: each.server.url('/services/T0/B0/secret') } }),
  teams: () => ({ name: 'Teams SOC', rules: '*', config: { kind: 'teams', url: each.server.url('/workflows/abc/triggers/manual/paths/invoke?sig=secret') } }),
} as const;

const alertId = async () => ((await each.c.call('read_only', 'GET', '/api/v1/alerts')).json().alerts as { id: string }[])[0]!.id;

describe.each(Object.keys(CHANNELS) as (keyof typeof CHANNELS)[])('notifications: %s', (kind) => {
  it('sends the golden payload for a new alert', async () => {
    await each.c.putChannel(kind, CHANNELS[kind]());
    await each.c.ingest(await hostileUpload(1, 'ann@acme.com'), await hostileUpload(2, 'ann@acme.com', T0 + MIN));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    const [got] = each.server.received;
    expectGolden(kind, goldenText(got!, await alertId()));
  });

  it('delivers every notification of an outage once when the receiver is back', async () => {
    await each.c.putChannel(kind, CHANNELS[kind]());
    await outageThenBack(each, 2);
    expect(each.server.received).toHaveLength(3);
    const keys = each.server.received.map((r) => String(r.headers['x-upwatch-idempotency-key']));
    expect(new Set(keys).size).toBe(3);
    const text = each.server.received.map((r) => r.raw.toString('utf8')).join('\n');
    for (const email of OUTAGE_USERS) expect(text).toContain(email);
  });
});

describe('notifications: what each medium makes of hostile names', () => {
  it('XSOAR: one incident per alert with its events, Basic credentials, the key as a label', async () => {
    await each.c.putChannel('xsoar', CHANNELS.xsoar());
    await each.c.ingest(await hostileUpload(1, 'ann@acme.com'));
    await runNotificationWorker(each.c.built.services);
    // Events joining the alert later make no second incident.
    await each.c.ingest(await hostileUpload(2, 'ann@acme.com', T0 + MIN));
    await runNotificationWorker(each.c.built.services);
    expect(each.server.received).toHaveLength(1);
    const got = each.server.received[0]!;
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from('svc-upwatch:pa55word').toString('base64')}`);
    expect(got.json).toMatchObject({
      type: 'Upwatch Alert',
      severity: 2,
      dbotMirrorId: await alertId(),
      rawJson: { alert: { id: await alertId(), eventCount: 1 } },
    });
    expect((got.json.rawJson as { events: { file: { name: string } }[] }).events[0]!.file.name).toBe('<!channel> [x](https://evil.example) "q" *b* & \\.py');
  });

  it('Slack: <, > and & escaped, so no mention, link or entity comes from a file name or rule name', async () => {
    await each.c.putChannel('slack', CHANNELS.slack());
    await each.c.ingest(await hostileUpload(1, 'ann@acme.com'));
    await runNotificationWorker(each.c.built.services);
    const body = each.server.received[0]!.json as { text: string; blocks: unknown[] };
    expect(body.text).toContain('&lt;!channel&gt;');
    expect(body.text).toContain('Uploads to &lt;personal&gt; cloud &amp; "mail"');
    expect(body.text).not.toMatch(/<!channel>|<personal>/);
    // The only link is the console's own.
    expect(JSON.stringify(body).match(/<http[^>]*>/g)).toEqual([`<https://upwatch.acme.example/alerts/${await alertId()}|open the alert>`]);
  });

  it('Teams: an Adaptive Card in the attachments envelope, Markdown characters of values escaped', async () => {
    await each.c.putChannel('teams', CHANNELS.teams());
    await each.c.ingest(await hostileUpload(1, 'ann@acme.com'));
    await runNotificationWorker(each.c.built.services);
    const body = each.server.received[0]!.json as {
      type: string;
      attachments: { contentType: string; content: { type: string; body: { text?: string }[] } }[];
    };
    expect(body.type).toBe('message');
    expect(body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]!.content.type).toBe('AdaptiveCard');
    const text = body.attachments[0]!.content.body[1]!.text!;
    expect(text).toContain('\\[x\\]\\(https://evil.example\\)');
    expect(text).not.toContain('[x](');
  });
});
