// @vitest-environment node
/**
 * A host named in the console reaches the browser (issue 16, item 4): after
 * `POST /api/v1/destinations/custom` alone, the user's browser — the whole background service, its
 * settings sync answered by the console in this process — classifies its next upload to that host
 * with the new destination's category after one sync. A response rule on the category shows it:
 * it cannot act on the upload while the host is `other`, and acts once the host is named. The rig is
 * test/unit/support/browser-on-console.ts.
 */
import { describe, expect, it } from 'vitest';
import { browserOnConsole, consoleForEachTest } from '../support/browser-on-console';

const ANA = 'ana@acme.example';
const consoleOfTest = consoleForEachTest();

describe('a custom destination from the console, in the browser', () => {
  it('classifies the next upload to the named host with it after one settings sync', async () => {
    const built = consoleOfTest();
    const rule = {
      id: 'warn-file-transfer',
      when: { destinationCategories: ['cloud_storage'] },
      action: 'warn',
      message: 'Company files stay in company storage.',
    };
    expect((await built.app.inject({ method: 'PUT', url: '/api/v1/policy', headers: built.as('admin'), payload: { responseRules: [rule] } })).statusCode).toBe(
      200,
    );
    const browser = await browserOnConsole(built, ANA, 'custom-destination', { url: 'https://portal.quokkabox.io/up', title: 'Quokkabox' });
    await browser.syncNow();
    // `other`: the rule on cloud storage does not apply to this host yet.
    expect((await browser.upload(1, 'q1.pdf')).action).toBe('allow');

    const named = await built.app.inject({
      method: 'POST',
      url: '/api/v1/destinations/custom',
      headers: built.as('admin'),
      payload: { host: 'quokkabox.io', name: 'Quokkabox', category: 'cloud_storage' },
    });
    expect(named.statusCode).toBe(201);
    // Before the browser syncs it knows nothing of the new destination.
    expect((await browser.upload(2, 'q2.pdf')).action).toBe('allow');
    await browser.syncNow();
    expect(await browser.upload(3, 'q3.pdf')).toMatchObject({ action: 'warn', ruleId: 'warn-file-transfer' });
  });
});
