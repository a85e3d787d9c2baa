/**
 * The content model (issue 16, docs/content-model.md) in the built extension: Haskell code in a
 * file named `.txt` — the name says document, our text analysis reads prose — is named
 * source_code by Magika in the background, for a short file (head only) and a file longer than
 * its head (the content script also sends its last 4 KiB, which the model reads).
 *
 * A user action's model budget counts the model's load wait, so the first action after the worker
 * starts may get the fallback ("this action's … budget is spent"); the test drops again (a new
 * action) until the model answers, and checks every fallback on the way said so without error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle } from 'puppeteer-core';
import { dropPaths } from '../harness/actions';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, startFirefoxRig, type Rig } from '../harness/extension-rig';
import type { FirefoxSession } from '../harness/firefox';
import { ALL_HOURS_WORKING } from '../harness/policy-files';
import type { FileEvent } from '../../src/core/schema/event';
import { scratchFiles } from '../harness/scratch-files';

const haskell = (i: number) =>
  `module Notes${i} where\n\nimport Data.List (sortBy)\nimport qualified Data.Map as M\n\n-- | Count words, variant ${i}\n` +
  `wordCount :: String -> M.Map String Int\nwordCount = foldr (\\w -> M.insertWith (+) w ${i}) M.empty . words\n\n` +
  `main :: IO ()\nmain = do\n  input <- getContents\n  mapM_ print (M.toList (wordCount input))\n`;
/** Over the 64 KiB head: only its last 4 KiB (the tail) lets the model see both ends. */
const longHaskell = Array.from({ length: 400 }, (_, i) => haskell(i)).join('\n');

const ATTEMPTS = 3;
const NAMES = Array.from({ length: ATTEMPTS }, (_, i) => `notes-${i}.txt`);
const files = scratchFiles({
  ...Object.fromEntries(NAMES.map((name, i) => [name, haskell(i)])),
  'long-notes.txt': longHaskell,
});

const POLICY = { backendToken: '', userEmail: 'cm@acme.example', riskSettings: ALL_HOURS_WORKING };
const byModel = (event: FileEvent) => (event.file.evidence ?? []).some((e) => e.startsWith('content model ('));
/** A fallback the session gave on purpose: the budget spent while the model loaded. Never "failed". */
const budgetFallback = (event: FileEvent) =>
  (event.file.evidence ?? []).some((e) => /^content model not used \(.*\): this action's \d+ ms model budget is spent/.test(e));

/** Uploads each name as its own action until one is named by the model; returns that event. */
async function untilModelAnswers(upload: (name: string) => Promise<FileEvent>): Promise<FileEvent> {
  for (const name of NAMES) {
    const event = await upload(name);
    if (byModel(event)) return event;
    // Not by the model: the only acceptable reason is the first action's budget spent on loading.
    expect(budgetFallback(event), `${name} fell back for another reason: ${JSON.stringify(event.file.evidence)}`).toBe(true);
    expect(event.file.categoryByContent).toBe('document');
  }
  throw new Error(`the model named none of ${ATTEMPTS} uploads`);
}

describe('Chromium: the content model names code hidden under a .txt name', () => {
  let rig: Rig<ChromiumSession>;
  beforeAll(async () => {
    rig = await startChromiumRig(`upwatch-e2e-cm-${process.pid}`, {
      policy: (console) => ({ ...POLICY, backendUrl: console.ingestUrl, backendToken: console.token }),
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('a dropped Haskell file named notes-N.txt, then one longer than its head', async () => {
    const page = await rig.browser.context.newPage();
    await page.goto('https://www.dropbox.com/home');
    const drop = async (name: string) => {
      await dropPaths(page, '#dropzone', [files.path(name)]);
      const all = await rig.console.waitForEvents((events) => events.some((e) => e.file.name === name));
      return all.find((e) => e.file.name === name)!;
    };
    const event = await untilModelAnswers(drop);
    expect(event.file).toMatchObject({ extension: 'txt', categoryByExtension: 'document', categoryByContent: 'source_code', category: 'source_code' });
    expect(event.file.evidence!.join(' ')).toMatch(/content model \(.*haskell/);

    const long = await drop('long-notes.txt');
    expect(long.file.size).toBeGreaterThan(64 * 1024);
    expect(long.file).toMatchObject({ categoryByContent: 'source_code', category: 'source_code' });
    expect(long.file.evidence!.join(' ')).toMatch(/content model \(.*haskell/);
    await page.close();
  });
});

describe('Firefox: the same file in the background page', () => {
  let rig: Rig<FirefoxSession>;
  beforeAll(async () => {
    rig = await startFirefoxRig({ policy: (console) => ({ ...POLICY, backendUrl: console.ingestUrl, backendToken: console.token }) });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('a picked Haskell file named notes-N.txt is named source_code by the model', async () => {
    const page = await rig.browser.newPage(rig.browser.site('www.dropbox.com', '/home'));
    const pick = async (name: string) => {
      const input = (await page.$('#picker')) as ElementHandle<HTMLInputElement> | null;
      if (!input) throw new Error('no file input');
      await input.uploadFile(files.path(name));
      const all = await rig.console.waitForEvents((events) => events.some((e) => e.file.name === name), 45_000);
      return all.find((e) => e.file.name === name)!;
    };
    const event = await untilModelAnswers(pick);
    expect(event.file).toMatchObject({ categoryByExtension: 'document', categoryByContent: 'source_code', category: 'source_code' });
    await page.close();
  });
});

afterAll(() => files.remove());
