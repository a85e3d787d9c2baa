/**
 * The response dialog itself in real Chromium (issue 14, item 3), beyond what response-chromium
 * checks of the uploads: on a page whose stylesheet hides everything added to <html> and covers the
 * viewport, the dialog is laid out and readable in light and in dark (WCAG contrast of its text,
 * link and buttons, read through CDP, which pierces the closed shadow root); the keyboard alone
 * moves through it without leaving it (Tab and Shift+Tab wrap), and Enter on a focused button does
 * what that button says; the page's own script sees no shadow root and its synthetic keys do nothing.
 * A page's script that takes the dialog away — hides the host by its style attribute, removes it,
 * opens its own modal over it, rewrites the document, removes it again in a loop — sees it come back, in the accessibility tree and answered by the
 * person's click, and the tab keeps running through the loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { pickPathsTrusted } from '../harness/actions';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import { deliveringTo } from '../harness/policy-files';
import { isSimulatedSite } from '../harness/sites';
import { scratchFiles } from '../harness/scratch-files';
import { DIALOG_HOST_SCRIPT, dialogShown, RESPONSE_RULES, responseEventFor, widgetsPage } from './response-support';

let rig: Rig<ChromiumSession>;
const files = scratchFiles({
  'colours.csv': 'a,b\n',
  'keyboard.csv': 'a,b\n1,2\n',
  'hidden.csv': 'a,b\n3,4\n',
  'looped.csv': 'a,b\n5,6\n',
  'rewritten.csv': 'a,b\n7,8\n',
});

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-response-dialog-${process.pid}`, {
    policy: (c) => deliveringTo(c, { userEmail: 'kim@acme.example', responseRules: RESPONSE_RULES }),
  });
  await rig.browser.context.route(
    (url) => isSimulatedSite(url) && url.pathname === '/response/widgets',
    (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: widgetsPage(new URL(route.request().url()).hostname) }),
  );
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 });

async function pickInto(host: string, name: string): Promise<Page> {
  const page = await rig.browser.context.newPage();
  await page.goto(`https://${host}/response/widgets`);
  await page.focus('#plain');
  await pickPathsTrusted(page, "document.getElementById('plain')", [files.path(name)]);
  await until(() => dialogShown(page)).toBe(true);
  return page;
}

interface DomNode {
  nodeId: number;
  localName: string;
  nodeValue?: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
}

/** The dialog box and its controls, found through the closed shadow root (CDP pierces it; the page cannot). */
async function dialogNodes(cdp: CDPSession): Promise<{ box: DomNode; inside: DomNode[] }> {
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
  const all: DomNode[] = [];
  const walk = (n: DomNode, inDialog: boolean) => {
    if (inDialog) all.push(n);
    const isHost = n.localName.startsWith('upwatch-');
    for (const c of n.children ?? []) walk(c, inDialog);
    for (const s of n.shadowRoots ?? []) walk(s, inDialog || isHost);
  };
  walk(root, false);
  const box = all.find((n) => n.attributes?.includes('role') && n.attributes.includes('class') && (n.localName === 'dialog' || n.localName === 'div'));
  if (!box) throw new Error('no dialog box in the closed shadow root');
  const inside: DomNode[] = [];
  const collect = (n: DomNode) => {
    inside.push(n);
    for (const c of n.children ?? []) collect(c);
  };
  collect(box);
  return { box, inside };
}

type Rgb = [number, number, number];
const parse = (css: string): Rgb => {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css);
  if (!m) throw new Error(`not a colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
const luminance = ([r, g, b]: Rgb) => {
  const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const contrast = (a: Rgb, b: Rgb) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** The colours a reader sees: the box's text and background, its link and each button's text on the button. */
async function colours(cdp: CDPSession) {
  const { box, inside } = await dialogNodes(cdp);
  const style = async (n: DomNode) => {
    const { computedStyle } = (await cdp.send('CSS.getComputedStyleForNode', { nodeId: n.nodeId })) as { computedStyle: { name: string; value: string }[] };
    const get = (name: string) => computedStyle.find((p) => p.name === name)!.value;
    return { color: parse(get('color')), background: parse(get('background-color')), display: get('display'), visibility: get('visibility') };
  };
  const boxStyle = await style(box);
  const { model } = (await cdp.send('DOM.getBoxModel', { nodeId: box.nodeId })) as { model: { width: number; height: number } };
  const pairs: [string, number][] = [['text', contrast(boxStyle.color, boxStyle.background)]];
  for (const n of inside.filter((n) => n.localName === 'a')) pairs.push(['link', contrast((await style(n)).color, boxStyle.background)]);
  for (const n of inside.filter((n) => n.localName === 'button')) {
    const s = await style(n);
    pairs.push(['button', contrast(s.color, s.background)]);
  }
  return { box: boxStyle, size: model, pairs };
}

describe('the dialog on a page that tries to hide it', () => {
  it('is laid out and readable in light and in dark', async () => {
    const page = await pickInto('www.dropbox.com', 'colours.csv');
    // The focus is on OK (Enter dismisses), not on the learn-more link the dialog opens at.
    expect(await focused(page)).toBe('button:OK');
    const cdp = await page.context().newCDPSession(page);
    try {
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      await page.emulateMedia({ colorScheme: 'light' });
      const light = await colours(cdp);
      expect(light.box).toMatchObject({ display: 'block', visibility: 'visible' });
      expect(light.size.width).toBeGreaterThan(200);
      expect(light.size.height).toBeGreaterThan(100);
      expect(luminance(light.box.background)).toBeGreaterThan(0.8);
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await colours(cdp);
      expect(luminance(dark.box.background)).toBeLessThan(0.1);
      for (const [scheme, { pairs }] of [
        ['light', light],
        ['dark', dark],
      ] as const) {
        expect(pairs.map(([what]) => what)).toEqual(['text', 'link', 'button']);
        for (const [what, ratio] of pairs) expect(ratio, `${scheme} ${what}`).toBeGreaterThanOrEqual(4.5);
      }
    } finally {
      await cdp.detach();
    }
    await page.keyboard.press('Escape');
    await until(() => dialogShown(page)).toBe(false);
    await page.close();
  });
});

/** The accessible role and name of the element that has the focus (inside the closed shadow root too). */
async function focused(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value: string }; name?: { value: string }; properties?: { name: string; value: { value: unknown } }[] }[];
    };
    // The document's root is marked focused too when the page has the focus: the element is the other one.
    const node = nodes.find((n) => n.role?.value !== 'RootWebArea' && n.properties?.some((p) => p.name === 'focused' && p.value.value === true));
    return node ? `${node.role?.value}:${node.name?.value ?? ''}` : 'nothing';
  } finally {
    await cdp.detach();
  }
}

/** What the page's own script sees of the focus: the dialog's host element (the shadow root is closed). */
const pageFocus = (page: Page) => page.evaluate(() => document.activeElement?.tagName ?? '');

describe('the keyboard and the page', () => {
  it('Tab and Shift+Tab stay in the dialog; the page sees no shadow root and its keys do nothing; Enter on Cancel cancels', async () => {
    const page = await pickInto('wetransfer.com', 'keyboard.csv');
    // The page's script: the host is visible, its shadow root is not, and synthetic keys do nothing.
    expect(
      await page.evaluate(() => {
        const host = Array.from(document.documentElement.children).find((el) => el.tagName.startsWith('UPWATCH-'))!;
        for (const key of ['Enter', 'Escape']) {
          host.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
          document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        }
        return host.shadowRoot;
      }),
    ).toBeNull();
    expect(await dialogShown(page)).toBe(true);

    // The required justification has the focus; once typed, the three controls take turns.
    expect(await focused(page)).toBe('textbox:Why do you need to upload this?');
    await page.keyboard.type('Checking the focus order');
    const forward: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      forward.push(await focused(page));
      expect(await pageFocus(page)).toMatch(/^UPWATCH-/);
    }
    expect(forward).toEqual(['button:Cancel upload', 'button:Upload anyway', 'textbox:Why do you need to upload this?', 'button:Cancel upload']);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('textbox:Why do you need to upload this?');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button:Upload anyway');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button:Cancel upload');

    // Enter on the focused Cancel button cancels, although a justification is typed.
    await page.keyboard.press('Enter');
    await until(() => page.evaluate(DIALOG_HOST_SCRIPT)).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { got: unknown[] }).got)).toEqual([]);
    expect((await responseEventFor(rig.console, 'keyboard.csv')).response).toMatchObject({ action: 'warn', outcome: 'warned' });
    await page.close();
  });
});

/** True when the accessibility tree has the dialog (a page that hid or removed the host takes it out of the tree). */
async function dialogInTree(page: Page): Promise<boolean> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value: string }; ignored?: boolean }[] };
    return nodes.some((n) => n.role?.value === 'alertdialog' && !n.ignored);
  } finally {
    await cdp.detach();
  }
}

/** The person clicks the dialog's button named `label` (a trusted click where CDP, piercing the closed root, lays it out). */
async function clickButton(page: Page, label: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    const { inside } = await dialogNodes(cdp);
    const button = inside.find((n) => n.localName === 'button' && n.children?.some((c) => c.nodeValue === label));
    if (!button) throw new Error(`no button ${label} in the dialog`);
    const { model } = (await cdp.send('DOM.getBoxModel', { nodeId: button.nodeId })) as { model: { content: number[] } };
    const [x1, y1, , , x3, y3] = model.content as [number, number, number, number, number, number];
    await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
  } finally {
    await cdp.detach();
  }
}

/** The page's own script, in its main world: what it can do to the host it sees on <html>. */
const HOST = `Array.from(document.documentElement.children).find((el) => el.tagName.startsWith('UPWATCH-'))`;

describe('a page that takes the dialog away', () => {
  it('hidden by its style attribute, removed, then covered by the page’s own modal, it comes back and the click on Cancel answers', async () => {
    const page = await pickInto('wetransfer.com', 'hidden.csv');
    expect(await dialogInTree(page)).toBe(true);

    await page.evaluate(`${HOST}.setAttribute('style', 'display:none !important')`);
    await until(() => page.evaluate(`${HOST}.getAttribute('style')`)).not.toContain('display:none');
    expect(await dialogInTree(page)).toBe(true);

    expect(await page.evaluate(`(() => { const host = ${HOST}; host.remove(); return host.isConnected; })()`)).toBe(false);
    await until(() => dialogShown(page)).toBe(true);
    await until(() => dialogInTree(page)).toBe(true);
    // The focus is back inside: the person types where they were.
    expect(await focused(page)).toBe('textbox:Why do you need to upload this?');

    // The page opens a modal dialog of its own over it, which would make ours inert and hide it: ours goes back on top.
    await page.evaluate(`(() => {
      const cover = document.createElement('dialog');
      cover.style.cssText = 'width: 100vw; height: 100vh; max-width: none; max-height: none; margin: 0; background: #fff';
      document.body.append(cover);
      cover.showModal();
    })()`);
    await until(() => dialogInTree(page)).toBe(true);

    await clickButton(page, 'Cancel upload');
    await until(() => dialogShown(page)).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { got: unknown[] }).got)).toEqual([]);
    expect((await responseEventFor(rig.console, 'hidden.csv')).response).toMatchObject({ action: 'warn', outcome: 'warned' });
    await page.close();
  });

  it('a page that rewrites its document (document.open) gets a new dialog, answered by the keyboard', async () => {
    const page = await pickInto('wetransfer.com', 'rewritten.csv');
    await page.keyboard.type('typed before');
    // document.open() erases every listener in the document and removes <html>; the page writes a new one.
    await page.evaluate(() => {
      document.open();
      document.write('<!doctype html><html><body><p>Rewritten</p></body></html>');
      document.close();
    });
    await until(() => dialogInTree(page)).toBe(true);
    expect(await page.evaluate(() => document.body.textContent)).toBe('Rewritten');
    expect(await focused(page)).toBe('textbox:Why do you need to upload this?');
    // The new dialog's keys work (the old one's listeners are gone): Escape cancels.
    await page.keyboard.press('Escape');
    await until(() => dialogShown(page)).toBe(false);
    expect((await responseEventFor(rig.console, 'rewritten.csv')).response).toMatchObject({ action: 'warn', outcome: 'warned' });
    await page.close();
  });

  // Last: going ahead starts WeTransfer's 30 minutes of temporary allow.
  it('removed in a loop by the page, the tab stays responsive; when the page stops, the dialog is back and Upload anyway answers', async () => {
    const page = await pickInto('wetransfer.com', 'looped.csv');
    // The page removes the host whenever it appears, and counts the frames it renders meanwhile.
    await page.evaluate(`(() => {
      window.removals = 0;
      window.frames = 0;
      const count = () => { window.frames++; requestAnimationFrame(count); };
      requestAnimationFrame(count);
      window.remover = new MutationObserver(() => { const host = ${HOST}; if (host) { window.removals++; host.remove(); } });
      window.remover.observe(document.documentElement, { childList: true });
      window.removals++;
      ${HOST}.remove();
    })()`);
    // Each removal is answered by a repair and that one by a removal, until the guard stops for the second.
    await until(() => page.evaluate('window.removals')).toBeGreaterThan(1);
    // The tab is not hung: it renders frames and runs the page's timers while the page fights.
    const frames = (await page.evaluate('window.frames')) as number;
    await until(() => page.evaluate('window.frames')).toBeGreaterThan(frames + 10);
    expect(await page.evaluate(() => new Promise((resolve) => setTimeout(() => resolve('ran'), 20)))).toBe('ran');

    await page.evaluate('window.remover.disconnect()');
    await until(() => dialogInTree(page)).toBe(true);
    expect(await focused(page)).toBe('textbox:Why do you need to upload this?');
    await page.keyboard.type('Sending the test data');
    await clickButton(page, 'Upload anyway');
    await until(() => dialogShown(page)).toBe(false);
    await until(() => page.evaluate(() => (window as unknown as { got: { names: string[] }[] }).got.map((g) => g.names))).toEqual([['looped.csv']]);
    expect((await responseEventFor(rig.console, 'looped.csv')).response).toMatchObject({
      action: 'warn',
      outcome: 'bypassed',
      justification: 'Sending the test data',
    });
    await page.close();
  });
});
