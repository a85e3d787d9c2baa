/** User actions on a page: pick, drop (trusted, through CDP) and paste files. */
import type { BrowserContext, ElementHandle, Locator, Page } from 'playwright-core';

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** The file picker as a page script could drive it: Playwright's setInputFiles fires untrusted input/change events. */
export async function pickFiles(page: Page, target: string | ElementHandle, files: FilePayload[]): Promise<void> {
  if (typeof target === 'string') await page.setInputFiles(target, files);
  else await target.setInputFiles(files);
}

/**
 * A trusted drag and drop of files or folders from outside the browser, as a person dragging from
 * the file manager: CDP Input.dispatchDragEvent with paths on disk.
 * https://chromedevtools.github.io/devtools-protocol/tot/Input/#method-dispatchDragEvent
 */
export async function dropPaths(page: Page, selector: string | Locator, paths: string[]): Promise<void> {
  // A Locator reaches into frames (page.frameLocator); its box is in the page's coordinates.
  const box = await (typeof selector === 'string' ? page.locator(selector) : selector).boundingBox();
  if (!box) throw new Error(`${String(selector)} is not visible`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  try {
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
    }
  } finally {
    await cdp.detach();
  }
}

/** A paste of files, dispatched by script: pages receive it with isTrusted false. */
export async function pasteFiles(page: Page, selector: string, files: { name: string; mimeType: string; text: string }[]): Promise<void> {
  await page.locator(selector).evaluate((el, list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name, { type: f.mimeType }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
  }, files);
}

/**
 * A trusted file pick, as the browser's own file chooser gives: CDP DOM.setFileInputFiles on the
 * input found by `expression` (evaluated in the page's main world), with paths on disk.
 * Playwright's setInputFiles dispatches its own (untrusted) input/change events instead.
 */
export async function pickPathsTrusted(page: Page, expression: string, paths: string[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression });
    if (exceptionDetails || !result.objectId) throw new Error(`no element for ${expression}`);
    await cdp.send('DOM.setFileInputFiles', { files: paths, objectId: result.objectId });
  } finally {
    await cdp.detach();
  }
}

/** A trusted pick of `paths` on the simulated Dropbox page's file input, in a tab opened for it and closed straight after. */
export async function pickOnDropbox(context: BrowserContext, paths: string[]): Promise<void> {
  const page = await context.newPage();
  await page.goto('https://www.dropbox.com/home');
  await pickPathsTrusted(page, "document.getElementById('picker')", paths);
  await page.close();
}
