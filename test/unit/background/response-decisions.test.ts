// @vitest-environment node
/**
 * Decisions taken before scoring (docs/response.md "Decision time") keep every behaviour of issue
 * 14: a rule changed in policy applies from the next upload, never the stale one; a rule that needs
 * the score (a minimum severity) waits for it; a temporary allow applies to the very next upload,
 * even one sent while the answer that granted it is being settled, and survives a worker restart.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDatabase } from '../../../src/background/db';
import type { FileEvent } from '../../../src/core/schema/event';
import { ResponseDecision } from '../../../src/core/schema/response';
import {
  fromTab,
  idCounter,
  mockBrowserPlatform,
  MONDAY_AT_WORK,
  observedPick,
  sendSettled,
  testService,
  type PickedFile,
} from '../support/background-service';

const DROPBOX = 'https://www.dropbox.com/home';
const CHATGPT = 'https://chatgpt.com/';
const SHEET: PickedFile = { name: 'payroll.csv', mime: 'text/csv', head: 'name,salary\nana,1\n' };
const WARN_AI = { id: 'ai-warn', when: { destinationCategories: ['ai_tools'] }, action: 'warn', justification: 'required', temporaryAllowMinutes: 30 };
let dbCounter = 0;

function setup(dbName = `response-decisions-${++dbCounter}`, clock = { now: MONDAY_AT_WORK }) {
  const service = testService({
    fetch: (async () => new Response('{}')) as unknown as typeof fetch,
    now: () => clock.now,
    newId: idCounter(dbCounter * 1000),
    dbName,
  });
  const held = async (actionId: string, url: string, files: PickedFile[]) =>
    ResponseDecision.parse(await sendSettled(service, observedPick(actionId, files, true), fromTab(url, '', 7)));
  const outcome = (decisionId: string, rest: Record<string, unknown>) =>
    service.onMessage({ type: 'upload/outcome', decisionId, ...rest }, fromTab(CHATGPT, '', 7));
  const stored = async (): Promise<FileEvent[]> => (await (await openDatabase(dbName)).getAll('events')).sort((a, b) => a.id.localeCompare(b.id));
  return { service, held, outcome, stored, clock, dbName };
}

const setRules = (responseRules: unknown[]) => fakeBrowser.storage.managed.set({ userEmail: 'ana@acme.example', responseRules });

beforeEach(() => {
  mockBrowserPlatform();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('a rule changed in policy', () => {
  it('decides the next upload by the new rule, never the stale one', async () => {
    await setRules([{ id: 'no-sheets', when: { destinationCategories: ['cloud_storage'], fileCategories: ['spreadsheet'] }, action: 'block' }]);
    const s = setup();
    expect(await s.held('act-1', DROPBOX, [SHEET])).toMatchObject({ action: 'block', ruleId: 'no-sheets' });

    await setRules([{ id: 'note-cloud', when: { destinationCategories: ['cloud_storage'] }, action: 'notify' }]);
    s.service.onManagedChanged();
    expect(await s.held('act-2', DROPBOX, [SHEET])).toMatchObject({ action: 'notify', ruleId: 'note-cloud' });

    await setRules([{ id: 'only-exe', when: { destinationCategories: ['cloud_storage'], fileCategories: ['executable'] }, action: 'block' }]);
    s.service.onManagedChanged();
    expect(await s.held('act-3', DROPBOX, [SHEET])).toMatchObject({ action: 'allow' });
    expect((await s.stored()).map((e) => e.response?.outcome)).toEqual(['blocked', 'notified', 'allowed']);
  });
});

describe('a rule that needs the score', () => {
  it('is decided on the scored upload, the decision and the stored event alike', async () => {
    // Monday at work, Dropbox never used: a PDF scores high (a sheet would score critical).
    await setRules([
      { id: 'critical-only', when: { minSeverity: 'critical' }, action: 'block' },
      { id: 'high-up', when: { minSeverity: 'high', destinationCategories: ['cloud_storage'] }, action: 'warn', justification: 'optional' },
    ]);
    const s = setup();
    const decision = await s.held('act-1', DROPBOX, [{ name: 'notes.pdf' }]);
    expect(decision).toMatchObject({ action: 'warn', ruleId: 'high-up', severity: 'high' });
    expect(decision.reasons.length).toBeGreaterThan(0);
    await s.outcome('act-1', { outcome: 'warned' });
    await s.service.idle();
    const [event] = await s.stored();
    expect(event!.risk.severity).toBe('high');
    expect(event!.response).toMatchObject({ action: 'warn', outcome: 'warned', ruleId: 'high-up' });
  });
});

describe('a temporary allow', () => {
  it('lets through an upload sent while the justified answer that granted it is still being settled', async () => {
    await setRules([WARN_AI]);
    const s = setup();
    expect((await s.held('act-1', CHATGPT, [{ name: 'plan.pdf' }])).action).toBe('warn');
    // The content script sends the answer and the page hands over the next file at once.
    const answered = s.outcome('act-1', { outcome: 'bypassed', justification: 'Ticket 4411' });
    const next = s.held('act-2', CHATGPT, [{ name: 'more.pdf' }]);
    expect(await answered).toEqual({ recorded: 1 });
    expect((await next).action).toBe('allow');
    expect((await s.stored()).map((e) => [e.file.name, e.response?.outcome])).toEqual([
      ['plan.pdf', 'bypassed'],
      ['more.pdf', 'allowed'],
    ]);
  });

  it('is kept across a worker restart, and ends on time', async () => {
    await setRules([WARN_AI]);
    const first = setup();
    await first.held('act-1', CHATGPT, [{ name: 'plan.pdf' }]);
    expect(await first.outcome('act-1', { outcome: 'bypassed', justification: 'Ticket 4411' })).toEqual({ recorded: 1 });
    await first.service.idle();
    // A new worker on the same database knows nothing in memory: it reads the stored allow.
    const second = setup(first.dbName, first.clock);
    expect((await second.held('act-2', CHATGPT, [{ name: 'more.pdf' }])).action).toBe('allow');
    first.clock.now += 31 * 60_000;
    expect((await second.held('act-3', CHATGPT, [{ name: 'late.pdf' }])).action).toBe('warn');
  });
});
