/**
 * The block dialog shows the real end of a file name, in real Chromium (the rendering audit): on a
 * page that makes <html> right-to-left, the direction reaches the dialog's box through inheritance,
 * and a name like "invoice.pdf\u05D0.exe" was drawn with "exe" left of "pdf" (reading as a PDF);
 * the names are laid out left to right now. A name too long to show whole keeps its ".exe".
 * Positions are read through CDP, which reaches into the closed shadow root.
 */
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickPathsTrusted } from '../harness/actions';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import { deliveringTo } from '../harness/policy-files';
import { isSimulatedSite } from '../harness/sites';
import { scratchFiles } from '../harness/scratch-files';
import { dialogShown, RESPONSE_RULES, widgetsPage } from './response-support';

const MIXED = 'invoice.pdf\u05D0.exe';
const LONG = `invoice.pdf${'_'.repeat(150)}.exe`;
const files = scratchFiles({ [MIXED]: 'a,b\n', [LONG]: 'a,b\n' });

let rig: Rig<ChromiumSession>;
beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-response-names-${process.pid}`, {
    policy: (c) => deliveringTo(c, { userEmail: 'kim@acme.example', responseRules: RESPONSE_RULES }),
  });
  await rig.browser.context.route(
    (url) => isSimulatedSite(url) && url.pathname === '/response/rtl',
    (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: widgetsPage(new URL(route.request().url()).hostname).replace('<html lang="en">', '<html lang="he" dir="rtl">'),
      }),
  );
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

interface DomNode {
  nodeId: number;
  localName: string;
  nodeValue?: string;
  children?: DomNode[];
  shadowRoots?: DomNode[];
}

/** Each <li> of the dialog (inside the closed root of the upwatch-… host) and its text. */
async function dialogItems(cdp: CDPSession): Promise<{ nodeId: number; text: string }[]> {
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
  const text = (n: DomNode): string => (n.nodeValue ?? '') + (n.children ?? []).map(text).join('');
  const items: { nodeId: number; text: string }[] = [];
  const walk = (n: DomNode, inDialog: boolean) => {
    if (inDialog && n.localName === 'li') items.push({ nodeId: n.nodeId, text: text(n) });
    for (const c of n.children ?? []) walk(c, inDialog);
    for (const s of n.shadowRoots ?? []) walk(s, inDialog || n.localName.startsWith('upwatch-'));
  };
  walk(root, false);
  return items;
}

/** Where the browser draws two parts of an item's text: the left edge of each. */
async function leftOf(cdp: CDPSession, nodeId: number, parts: [string, string]): Promise<[number, number]> {
  const { object } = (await cdp.send('DOM.resolveNode', { nodeId })) as { object: { objectId: string } };
  const { result } = (await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    returnByValue: true,
    functionDeclaration: `function (a, b) {
      const t = this.firstChild;
      const left = (part) => { const at = t.data.indexOf(part); const r = document.createRange(); r.setStart(t, at); r.setEnd(t, at + part.length); return r.getBoundingClientRect().left; };
      return [left(a), left(b)];
    }`,
    arguments: [{ value: parts[0] }, { value: parts[1] }],
  })) as { result: { value: [number, number] } };
  return result.value;
}

async function blockedPick(name: string): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await rig.browser.context.newPage();
  await page.goto('https://www.dropbox.com/response/rtl');
  await page.focus('#plain');
  await pickPathsTrusted(page, "document.getElementById('plain')", [files.path(name)]);
  await expect.poll(() => dialogShown(page), { timeout: 20_000 }).toBe(true);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  return { page, cdp };
}

describe('file names in the dialog on a right-to-left page', () => {
  it('draws "invoice.pdf\u05D0.exe" with its .exe to the right of its .pdf', async () => {
    const { page, cdp } = await blockedPick(MIXED);
    const item = (await dialogItems(cdp)).find((i) => i.text.startsWith('invoice'));
    expect(item?.text).toBe(`${MIXED} — 4 B`);
    const [pdf, exe] = await leftOf(cdp, item!.nodeId, ['pdf', 'exe']);
    expect(exe).toBeGreaterThan(pdf);
    await cdp.detach();
    await page.close();
  });

  it('keeps the .exe of a name too long to show whole', async () => {
    const { page, cdp } = await blockedPick(LONG);
    const item = (await dialogItems(cdp)).find((i) => i.text.startsWith('invoice'));
    expect(item?.text).toMatch(/^invoice\.pdf_+…_+\.exe — 4 B$/);
    await cdp.detach();
    await page.close();
  });
});
