/**
 * Screenshots of every page of the console's web interface, light and dark, into
 * docs/console-screenshots/ (docs/console.md links them). A console in this process with the e2e
 * tests' sample events and an alert, signed in as an admin (who sees every control). Demo data for
 * the pages the sample events leave empty: response rules in the synced policy, two events a rule
 * acted on (one blocked, one warned and bypassed), and uploads to hosts nothing names (the
 * Destinations page).
 *
 *   npm run build:console-ui && npx tsx scripts/console-screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import type { FileEvent } from '../src/core/schema/event';
import { ROOT } from '../test/harness/paths';
import { signIn, startUiRig, TEST_PASSWORD, type UiRig } from '../test/e2e/console-ui-support';
import { sampleEvent, sampleId } from '../test/unit/support/sample-event';

const OUT = `${ROOT}docs/console-screenshots`;
const ADMIN = 'admin@example.test';

const RESPONSE_RULES = [
  {
    id: 'contractors-block-cloud',
    when: { destinationCategories: ['cloud_storage', 'web_hosting'], watchlists: ['contractor'] },
    action: 'block',
    message: 'Contractors keep company files in company storage. Ask your sponsor to share it instead.',
  },
  {
    id: 'ai-warn',
    when: { destinationCategories: ['ai_tools'] },
    action: 'warn',
    message: 'This looks like company data going to an AI assistant. Is it approved?',
    justification: 'required',
    temporaryAllowMinutes: 30,
  },
  { id: 'webmail-notify', when: { destinationCategories: ['email'], minSeverity: 'moderate' }, action: 'notify', message: 'Sent to webmail: recorded.' },
];

/** Response rules in the synced policy, events they acted on, and uploads to hosts nothing names; answers the blocked event's id. */
async function addDemoData(rig: UiRig): Promise<string> {
  const { api, built } = rig.console;
  const answer = await api('/api/v1/policy', { method: 'PUT', body: { responseRules: RESPONSE_RULES } });
  if (!answer.ok) throw new Error(`the console refused the demo response rules: ${answer.status} ${await answer.text()}`);
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const blocked: FileEvent = {
    ...(await sampleEvent({
      id: sampleId(90_001),
      observedAt: at(12),
      user: { email: 'dave@example.com' },
      file: { name: 'payroll-2026.xlsx', size: 48_213, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    })),
    response: { action: 'block', outcome: 'blocked', ruleId: 'contractors-block-cloud', decidedInMs: 8.2 },
  };
  const bypassed: FileEvent = {
    ...(await sampleEvent({ id: sampleId(90_002), observedAt: at(40), user: { email: 'erin@example.com' } })),
    response: { action: 'warn', outcome: 'bypassed', ruleId: 'ai-warn', justification: 'Approved by my manager for the Q3 summary.', decidedInMs: 2.9 },
  };
  const unnamed: [string, string, string][] = [
    ['https://portal.quokkabox.io/up', 'ana@example.com', 'Quokkabox — shared folder'],
    ['https://portal.quokkabox.io/up', 'bo@example.com', 'Quokkabox — shared folder'],
    ['https://portal.quokkabox.io/up', 'ana@example.com', 'Quokkabox — upload'],
    ['https://www.lindenpost.de/inbox', 'cy@example.com', 'Lindenpost — Posteingang'],
    ['https://files.example-lab.net/upload', 'cy@example.com', 'Lab file drop'],
  ];
  const others = await Promise.all(
    unnamed.map(([url, email, title], i) => sampleEvent({ id: sampleId(90_100 + i), observedAt: at(60 + 30 * i), user: { email }, tab: { url, title } })),
  );
  await built.services.events.ingest([blocked, bypassed, ...others], { credentialId: 'screenshots', clientIp: '127.0.0.1', receivedAt: now });
  return blocked.id;
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const rig = await startUiRig();
  try {
    await rig.console.built.services.auth.accounts.createLocal(
      { email: ADMIN, name: 'Ada Admin', role: 'admin', password: TEST_PASSWORD },
      'system',
      'screenshots',
    );
    const blockedId = await addDemoData(rig);
    const events = await rig.console.events();
    const alerts = (await (await rig.console.api('/api/v1/alerts')).json()) as { alerts: { id: string }[] };
    // [file name, path, the part of the page to take (default: the whole page)]
    const pages: [string, string, string?][] = [
      ['dashboard', '/?range=7d'],
      ['search', '/events'],
      ['event', `/events/${events.find((e) => e.file.name === 'q3-forecast.xlsx')!.id}`],
      ['event-response', `/events/${blockedId}`],
      ['user', '/users/alice%40example.com'],
      ['alerts', '/alerts'],
      ['alert', `/alerts/${alerts.alerts[0]!.id}`],
      ['watchlists', '/watchlists'],
      ['risk-settings', '/settings/risk'],
      ['policy', '/settings/policy'],
      ['rules', '/settings/rules'],
      ['response-rules', '/settings/rules', 'section[aria-labelledby="response-rules-title"]'],
      ['destinations', '/settings/destinations'],
      ['audit', '/audit'],
      ['credentials', '/admin/credentials'],
      ['users', '/admin/users'],
    ];
    for (const theme of ['light', 'dark'] as const) {
      const context = await rig.browser.newContext({ baseURL: rig.console.url, colorScheme: theme, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto('/');
      await page.screenshot({ path: `${OUT}/sign-in-${theme}.png` });
      await signIn(page, ADMIN);
      for (const [name, path, part] of pages) {
        await page.goto(path);
        await page.locator('#page-title').waitFor();
        // The page has its data once nothing says "Loading" any more.
        await page.waitForFunction(() => ![...document.querySelectorAll('[role=status]')].some((e) => e.textContent?.startsWith('Loading')));
        const file = `${OUT}/${name}-${theme}.png`;
        if (part) await page.locator(part).screenshot({ path: file });
        else await page.screenshot({ path: file, fullPage: true });
      }
      await context.close();
    }
    console.log(`Saved ${2 * (pages.length + 1)} screenshots in ${OUT}`);
  } finally {
    await rig.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
