// @vitest-environment node
/**
 * A block from the API reaches the browser (issue 18): after `POST /api/v1/users/{email}/block`
 * alone (no admin set anything up), the user's browser — the whole background service, its
 * settings sync answered by the console in this process — blocks their next upload after one
 * sync, and lets it through after `DELETE …/block` and the next sync. The rig is
 * test/unit/support/browser-on-console.ts.
 */
import { describe, expect, it } from 'vitest';
import { BLOCK_RULE_ID } from '../../../console/routes/block';
import { browserOnConsole, consoleForEachTest } from '../support/browser-on-console';

const ANA = 'ana@acme.example';

const consoleOfTest = consoleForEachTest();

describe('a block from the API, in the browser', () => {
  it('blocks the user after one settings sync, and lets them through after the unblock and the next', async () => {
    const built = consoleOfTest();
    const browser = await browserOnConsole(built, ANA, 'block-api');
    const { plan, syncNow } = browser;
    const upload = (n: number) => browser.upload(n, `q${n}.pdf`);
    expect(await plan()).toBe(false);
    const blocked = await built.app.inject({ method: 'POST', url: `/api/v1/users/${ANA}/block`, headers: built.as('analyst') });
    expect(blocked.statusCode).toBe(201);
    // Before the browser syncs it knows nothing of the block.
    expect((await upload(1)).action).toBe('allow');
    await syncNow();
    expect(await plan()).toBe(true);
    expect(await upload(2)).toMatchObject({ action: 'block', ruleId: BLOCK_RULE_ID });

    expect((await built.app.inject({ method: 'DELETE', url: `/api/v1/users/${ANA}/block`, headers: built.as('analyst') })).statusCode).toBe(200);
    await syncNow();
    expect(await plan()).toBe(false);
    expect((await upload(3)).action).toBe('allow');
  });
});
