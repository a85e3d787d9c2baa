/**
 * Screenshots of every page of the console's web interface, light and dark, into
 * docs/console-screenshots/ (docs/console.md links them). A console in this process with the e2e
 * tests' sample events and an alert, signed in as an admin (who sees every control).
 *
 *   npm run build:console-ui && npx tsx scripts/console-screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { ROOT } from '../test/harness/paths';
import { signIn, startUiRig, TEST_PASSWORD } from '../test/e2e/console-ui-support';

const OUT = `${ROOT}docs/console-screenshots`;
const ADMIN = 'admin@example.test';

async function main() {
  mkdirSync(OUT, { recursive: true });
  const rig = await startUiRig();
  try {
    await rig.console.built.services.auth.accounts.createLocal(
      { email: ADMIN, name: 'Ada Admin', role: 'admin', password: TEST_PASSWORD },
      'system',
      'screenshots',
    );
    const events = await rig.console.events();
    const alerts = (await (await rig.console.api('/api/v1/alerts')).json()) as { alerts: { id: string }[] };
    const pages: [string, string][] = [
      ['dashboard', '/?range=7d'],
      ['search', '/events'],
      ['event', `/events/${events.find((e) => e.file.name === 'q3-forecast.xlsx')!.id}`],
      ['user', '/users/alice%40example.com'],
      ['alerts', '/alerts'],
      ['alert', `/alerts/${alerts.alerts[0]!.id}`],
      ['watchlists', '/watchlists'],
      ['risk-settings', '/settings/risk'],
      ['policy', '/settings/policy'],
      ['rules', '/settings/rules'],
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
      for (const [name, path] of pages) {
        await page.goto(path);
        await page.locator('#page-title').waitFor();
        // The page has its data once nothing says "Loading" any more.
        await page.waitForFunction(() => ![...document.querySelectorAll('[role=status]')].some((e) => e.textContent?.startsWith('Loading')));
        await page.screenshot({ path: `${OUT}/${name}-${theme}.png`, fullPage: true });
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
