/**
 * The long tail in real Chromium (issue 16, item 4): an admin finds the hosts nothing named on
 * /settings/destinations (a page title from the upload shown as text, never run), makes one a
 * custom destination in one step, and sees it leave the list; the synced policy has it and the
 * audit log says who. Read-only people and analysts see the list and no control that changes it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent, sampleId } from '../unit/support/sample-event';
import { seriousViolations, startUiRig, type UiRig } from './console-ui-support';

const HOSTILE_TITLE = '<img src=x onerror=alert(1)><script>alert(2)</script> Quokkabox';

let rig: UiRig;
beforeAll(async () => {
  rig = await startUiRig();
  const now = Date.now();
  const spec: [string, string, string][] = [
    ['https://portal.quokkabox.io/up', 'ana@example.com', 'Quokkabox'],
    ['https://portal.quokkabox.io/up', 'bo@example.com', 'Quokkabox'],
    ['https://portal.quokkabox.io/up', 'ana@example.com', HOSTILE_TITLE],
    ['https://www.lindenpost.de/inbox', 'cy@example.com', 'Lindenpost'],
    ['https://[2001:db8::7]/upload', 'cy@example.com', 'Lab server'],
  ];
  const events = await Promise.all(
    spec.map(([url, email, title], i) =>
      sampleEvent({ id: sampleId(70_000 + i), observedAt: new Date(now - (10 - i) * 60_000).toISOString(), user: { email }, tab: { url, title } }),
    ),
  );
  await rig.console.built.services.events.ingest(events, { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: now });
}, 120_000);
afterAll(() => rig?.close());

const row = (page: Page, host: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name: host, exact: true }) });

async function openFromNav(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Destinations' }).click();
  await page.getByRole('heading', { name: 'Destinations', level: 1 }).waitFor();
  await row(page, 'portal.quokkabox.io').waitFor();
}

describe('the unnamed destinations page', () => {
  it('lets an admin make a host a custom destination in one step; the host leaves the list', async () => {
    const { page, dialogs, email } = await rig.as('admin');
    await openFromNav(page);
    const tiny = row(page, 'portal.quokkabox.io');
    // Uploads, people, and the latest title as text: its markup is characters on screen, not elements.
    expect(await tiny.locator('td').nth(1).textContent()).toBe('3');
    expect(await tiny.locator('td').nth(2).textContent()).toBe('2');
    expect(await tiny.locator('td').nth(4).textContent()).toBe(HOSTILE_TITLE);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Make custom destination for portal.quokkabox.io' }).click();
    const form = page.getByRole('form', { name: 'Make custom destination for portal.quokkabox.io' });
    expect(await form.getByLabel('Name').inputValue()).toBe('Quokkabox');
    await form.getByLabel('Name').fill('Quokkabox transfers');
    // No category is chosen for the admin: the form asks for one.
    expect(await form.getByLabel('Category').inputValue()).toBe('');
    expect(await form.getByLabel('Category').evaluate((el: HTMLSelectElement) => el.validity.valueMissing)).toBe(true);
    await form.getByLabel('Category').selectOption('cloud_storage');
    await form.getByRole('button', { name: 'Make custom destination' }).click();

    await page.getByRole('status').filter({ hasText: 'portal.quokkabox.io is now the custom destination Quokkabox transfers' }).waitFor();
    await expect.poll(() => row(page, 'portal.quokkabox.io').count()).toBe(0);
    expect(await row(page, 'www.lindenpost.de').count()).toBe(1);
    expect(dialogs).toEqual([]);

    const policy = (await (await rig.console.api('/api/v1/policy')).json()) as { settings: { customDestinations?: unknown[] } };
    expect(policy.settings.customDestinations).toEqual([
      { id: 'custom_portal_quokkabox_io', name: 'Quokkabox transfers', category: 'cloud_storage', hosts: ['portal.quokkabox.io'] },
    ]);
    const audit = (await (await rig.console.api('/api/v1/audit?action=policy.custom_destination_added')).json()) as { entries: { actor: string }[] };
    expect(audit.entries.map((e) => e.actor)).toEqual([`admin:${email}`]);
  });

  it('says why a host cannot be named, and changes nothing', async () => {
    const { page } = await rig.as('admin');
    await page.goto('/settings/destinations');
    await row(page, '[2001:db8::7]').waitFor();
    await page.getByRole('button', { name: 'Make custom destination for [2001:db8::7]' }).click();
    const form = page.getByRole('form', { name: 'Make custom destination for [2001:db8::7]' });
    await form.getByLabel('Category').selectOption('productivity');
    await form.getByRole('button', { name: 'Make custom destination' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^invalid body: host: host pattern: a lower-case host name/);
    expect(await row(page, '[2001:db8::7]').count()).toBe(1);
  });

  it.each(['read_only', 'analyst'] as const)('shows %s the list and no control that changes it', async (role) => {
    const { page, dialogs } = await rig.as(role);
    await page.goto('/settings/destinations');
    await page.getByRole('heading', { name: 'Destinations', level: 1 }).waitFor();
    await row(page, 'www.lindenpost.de').waitFor();
    expect(await page.getByText('Read only: making a custom destination needs the admin role.').count()).toBe(1);
    expect(await page.getByRole('button', { name: /custom destination/ }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Name it' }).count()).toBe(0);
    // A change forged from the session, with its own cookie and CSRF token: only the role stops it.
    const status = await page.evaluate(async () => {
      const { csrfToken } = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const body = JSON.stringify({ host: 'www.lindenpost.de', name: 'Forged', category: 'email' });
      return (await fetch('/api/v1/destinations/custom', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body }))
        .status;
    });
    expect(status).toBe(403);
    await page.reload();
    await row(page, 'www.lindenpost.de').waitFor();
    expect(dialogs).toEqual([]);
  });
});
