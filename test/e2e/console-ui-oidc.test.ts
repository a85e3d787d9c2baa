/**
 * Single sign-on through the page, in real Chromium: a local OIDC provider (oidc-provider on
 * 127.0.0.1, its development sign-in and consent forms), the console's "Sign in with SSO" button,
 * and back on the console signed in with the role the provider's group maps to; a person whose
 * groups map to no role lands on the sign-in page with the reason in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath } from '../harness/paths';
import { startConsole, type RunningConsole } from '../harness/in-process-console';
import { CLIENT_ID, CLIENT_SECRET, freePort, startOidcProvider, type LocalProvider } from '../unit/support/oidc';
import { ensureUiBuilt, seriousViolations } from './console-ui-support';

const people = {
  olivia: { email: 'olivia@example.com', email_verified: true, name: 'Olivia Park', groups: ['staff', 'upwatch-analyst'] },
  carol: { email: 'carol@example.com', email_verified: true, name: 'Carol', groups: ['staff'] },
};

let provider: LocalProvider;
let running: RunningConsole;
let browser: Browser;
beforeAll(async () => {
  ensureUiBuilt();
  const port = await freePort();
  const redirectUrl = `http://127.0.0.1:${port}/auth/oidc/callback`;
  provider = await startOidcProvider(redirectUrl, people);
  running = await startConsole({
    port,
    ingestRateLimit: false,
    signIn: { oidc: { issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrl, scopes: 'openid email profile groups' } },
  });
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await running?.close();
  await provider?.close();
});

/** The console's SSO button, then the provider's sign-in and consent forms, as a person fills them. */
async function signInWithSso(page: Page, login: string): Promise<void> {
  await page.goto(`${running.url}/`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password: the development form takes it');
  await page.locator('button[type="submit"]').click();
  // The consent form, unless the provider answers at once.
  await page.waitForURL((url) => url.origin !== provider.issuer || /consent|interaction/.test(url.pathname));
  if (new URL(page.url()).origin === provider.issuer) await page.locator('button[type="submit"]').first().click();
  await page.waitForURL((url) => url.origin === running.url);
}

describe('single sign-on in the browser', () => {
  it('signs in through the provider with the role its group maps to', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, 'olivia');
    await page.getByRole('heading', { name: 'Risk exposure' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('Olivia Park (analyst)');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('sends someone whose groups map to no role back to the sign-in page, saying why', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, 'carol');
    await page.waitForURL(/\?signInError=no_role$/);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no role in this console');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await context.close();
  });
});
