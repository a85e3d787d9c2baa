/**
 * A host named in the console reaches a real browser (issue 16, item 4): Chromium with the built
 * extension, carrying only the console's ingest token in its managed policy, uploads to a host no
 * catalog knows (`other`, listed by GET /api/v1/destinations/unclassified); an admin names it with
 * POST /api/v1/destinations/custom; within one settings-sync interval the browser's next upload to
 * it is classified with the new destination, and the host leaves the console's list.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileEvent } from '../../src/core/schema/event';
import { pickPathsTrusted } from '../harness/actions';
import { launchChromium, type ChromiumSession } from '../harness/chromium';
import { SAMPLES as FORMATS } from '../harness/format-samples';
import { startConsole, type RunningConsole } from '../harness/in-process-console';
import { ROOT } from '../harness/paths';
import { ALL_HOURS_WORKING, writeChromiumPolicy, type PolicyFile } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';

const HOST = 'portal.quokkabox.io';
const USER = 'named.host@acme.example';
/** The smallest settingsSyncIntervalMinutes the policy schema allows. */
const SYNC_MINUTES = 1;
/** One interval, plus slack for alarm scheduling and the upload that shows the change. */
const WITHIN_ONE_INTERVAL_MS = SYNC_MINUTES * 60_000 + 30_000;
const PROBE_EVERY_MS = 8_000;

let console_: RunningConsole;
let chromium: ChromiumSession | undefined;
let policy: PolicyFile | undefined;
const files = scratchFiles({});

beforeAll(async () => {
  console_ = await startConsole();
  policy = writeChromiumPolicy(`upwatch-e2e-custom-destination-${process.pid}`, {
    backendUrl: console_.ingestUrl,
    backendToken: console_.token,
    userEmail: USER,
    settingsSyncUrl: `${console_.url}/api/v1/policy`,
    settingsSyncIntervalMinutes: SYNC_MINUTES,
    riskSettings: ALL_HOURS_WORKING,
  });
  chromium = await launchChromium();
  // The harness's upload page, on a host no catalog entry, title rule or page fallback names.
  const upload = readFileSync(`${ROOT}test/fixtures/pages/upload.html`, 'utf8').replace('{{TITLE}}', 'Quokkabox').replace('{{EXTRA}}', '');
  await chromium.context.route(`https://${HOST}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: upload }));
});

afterAll(async () => {
  try {
    await chromium?.close();
  } finally {
    // Policy files are system-wide: they go whatever happened.
    policy?.remove();
    await console_?.close();
    files.remove();
  }
});

let uploads = 0;
/** Picks a new file on the host's page and waits for the console's copy of its event. */
async function upload(): Promise<FileEvent> {
  const name = `quokka-${++uploads}.pdf`;
  writeFileSync(join(files.dir, name), Buffer.from(FORMATS.pdf!));
  const page = await chromium!.context.newPage();
  try {
    await page.goto(`https://${HOST}/share`);
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path(name)]);
    const events = await console_.waitForEvents((all) => all.some((e) => e.file.name === name), 45_000);
    return events.find((e) => e.file.name === name)!;
  } finally {
    await page.close();
  }
}

const listed = async () =>
  ((await (await console_.api('/api/v1/destinations/unclassified')).json()) as { hosts: { host: string; uploads: number }[] }).hosts.map((h) => h.host);

describe('a custom destination made in the console', () => {
  it(
    'names the host in the browser within one settings-sync interval, and the host leaves the list',
    async () => {
      const first = await upload();
      expect(first.destination).toMatchObject({ host: HOST, category: 'other' });
      expect(first.destination.serviceId).toBeUndefined();
      expect(await listed()).toContain(HOST);

      const named = await console_.api('/api/v1/destinations/custom', {
        method: 'POST',
        body: { host: 'quokkabox.io', name: 'Quokkabox', category: 'cloud_storage' },
      });
      expect(named.status).toBe(201);
      expect(await listed()).not.toContain(HOST);

      const deadline = Date.now() + WITHIN_ONE_INTERVAL_MS;
      const seen: string[] = [];
      for (;;) {
        const event = await upload();
        seen.push(`${event.file.name}: ${event.destination.category} ${event.destination.serviceId ?? ''}`);
        if (event.destination.serviceId === 'custom_quokkabox_io') {
          expect(event.destination).toMatchObject({ host: HOST, category: 'cloud_storage', serviceName: 'Quokkabox' });
          expect(event.risk.indicators.map((i) => i.id)).toContain('cloud_storage');
          break;
        }
        if (Date.now() > deadline) throw new Error(`no upload named the host within one sync interval; uploads seen:\n${seen.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
      // The named uploads carry the service: the list stays without the host.
      expect(await listed()).not.toContain(HOST);
    },
    3 * WITHIN_ONE_INTERVAL_MS,
  );
});
