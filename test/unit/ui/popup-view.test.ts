import { beforeEach, describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-event';
import { loadPage } from '../support/pages';
import type { PopupState } from '../../../src/core/schema/messages';
import { renderPopup } from '../../../src/ui/popup-view';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>.pdf';

const NOW = new Date('2026-11-23T10:05:00Z');
const event = await sampleEvent({
  observedAt: '2026-11-23T10:00:00.000Z',
  file: { name: HOSTILE, size: 1, mimeType: '' },
  tab: { url: 'https://www.dropbox.com/', title: '<b>title</b>' },
});

function state(over: Partial<PopupState> = {}): PopupState {
  return {
    showEventList: true,
    events: [event],
    lastSeenAt: 0,
    policyErrors: [],
    delivery: { configured: true, format: 'native', queued: 0, deadLetters: 0, dropped: 0 },
    ...over,
  };
}

// The popup's real page, as the extension ships it.
let document: Document;
beforeEach(() => {
  document = loadPage('popup');
});

describe('renderPopup', () => {
  it('renders hostile file names as text', () => {
    renderPopup(document, state(), NOW);
    expect(document.querySelector('#events img, #events script')).toBeNull();
    expect(document.querySelector('.file')?.textContent).toBe(HOSTILE);
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
  });

  it('shows severity, destination, score and each indicator with its reason', () => {
    renderPopup(document, state(), NOW);
    expect(document.querySelector('.sev')?.textContent).toBe('moderate');
    expect(document.querySelector('.dest')?.textContent).toBe('Dropbox · cloud storage');
    expect([...document.querySelectorAll('.indicators li')].map((li) => li.textContent)).toEqual([
      'Uploaded to Dropbox (cloud storage) +5',
      'File is a PDF +1',
    ]);
    expect(document.querySelector('li.event')?.classList.contains('new')).toBe(true);
    expect(document.querySelector('li.event .time')?.textContent).toBe('5 min ago');
  });

  it.each([
    [{ action: 'block', outcome: 'blocked', ruleId: 'no-personal-cloud' }, "Blocked by your organisation's policy (rule no-personal-cloud)"],
    [{ action: 'warn', outcome: 'warned', ruleId: 'ai' }, 'Not uploaded: you cancelled at the warning (rule ai)'],
    [
      { action: 'warn', outcome: 'bypassed', ruleId: 'ai', justification: '<b>vendor</b> asked' },
      'Uploaded after a warning (rule ai); your reason: <b>vendor</b> asked',
    ],
    [{ action: 'notify', outcome: 'notified', ruleId: 'n' }, 'Uploaded with a notice (rule n)'],
    [{ action: 'block', outcome: 'allowed', ruleId: 'x', failure: 'timeout' }, 'Allowed: no decision in time, the policy default applied'],
    [{ action: 'warn', outcome: 'blocked', failure: 'timeout' }, 'Blocked: no decision in time, the policy default applied'],
    [
      { action: 'warn', outcome: 'allowed', ruleId: 'ai', temporaryAllowUntil: '2026-11-23T10:30:00.000Z' },
      'Uploaded: your earlier reason still covers this site (rule ai)',
    ],
  ] as const)('shows what a response rule did, as text: %j', (response, line) => {
    renderPopup(document, state({ events: [{ ...event, response: { ...response, decidedInMs: 3 } }] }), NOW);
    expect(document.querySelector('li.event .outcome')?.textContent).toBe(line);
    expect(document.querySelector('li.event .outcome b')).toBeNull();
  });

  it('says nothing of a response when none acted (no rule, or held and allowed)', () => {
    renderPopup(
      document,
      state({ events: [event, { ...event, id: '0190a0e2-7c4b-7def-8abc-000000000998', response: { action: 'allow', outcome: 'allowed', decidedInMs: 1 } }] }),
      NOW,
    );
    expect(document.querySelectorAll('.outcome')).toHaveLength(0);
  });

  it('marks script-made events, and says how many a page had dropped', () => {
    const madeUp = { ...event, id: '0190a0e2-7c4b-7def-8abc-000000000999', trustedEvent: false };
    renderPopup(
      document,
      state({ events: [event, madeUp], delivery: { configured: true, format: 'native', queued: 0, deadLetters: 0, dropped: 7, scriptMadeDropped: 5 } }),
      NOW,
    );
    expect([...document.querySelectorAll('li.event')].map((li) => li.querySelector('.script-made')?.textContent ?? '')).toEqual(['', 'script-made']);
    expect(document.getElementById('delivery')?.textContent).toBe(
      'All events delivered. 2 dropped (outbox full); 5 script-made dropped (too many from one tab).',
    );
  });

  it('has an empty state', () => {
    renderPopup(document, state({ events: [] }), NOW);
    expect(document.getElementById('events')?.textContent).toBe('No risky uploads yet.');
  });

  it('hides the list when policy says so', () => {
    renderPopup(document, state({ showEventList: false }), NOW);
    expect(document.querySelector('li.event')).toBeNull();
  });

  it('shows policy errors and delivery trouble as text', () => {
    renderPopup(
      document,
      state({
        policyErrors: [{ key: 'backendUrl', message: '<b>bad</b>' }],
        delivery: { configured: true, format: 'native', queued: 4, deadLetters: 2, dropped: 0, lastError: 'backend answered HTTP 500' },
      }),
      NOW,
    );
    const errors = document.getElementById('policy-errors')!;
    expect(errors.hidden).toBe(false);
    expect(errors.textContent).toContain('backendUrl: <b>bad</b>');
    expect(errors.querySelector('b')).toBeNull();
    expect(document.getElementById('delivery')?.textContent).toBe(
      '4 event(s) waiting to be sent (backend answered HTTP 500). 2 refused by the backend (kept as dead letters).',
    );
  });
});

// Issue 15, item 3: storage trouble is said in words, with what it means and what still works.
describe('storage trouble in the popup', () => {
  const trouble = (over: Partial<NonNullable<PopupState['delivery']['storage']>> = {}, configured = true): PopupState['delivery'] => ({
    configured,
    format: 'native',
    queued: 0,
    deadLetters: 0,
    dropped: 0,
    storage: {
      trouble: '3 event(s) not kept on this device: the disk is full (QuotaExceededError)',
      troubleSince: 1,
      notKeptLocally: 3,
      prunedForSpace: 1000,
      ...over,
    },
  });

  it('says the disk is full, that uploads are still sent, and what is missing locally', () => {
    renderPopup(document, state({ delivery: trouble() }), NOW);
    const box = document.getElementById('storage-trouble')!;
    expect(box.hidden).toBe(false);
    expect(box.getAttribute('role')).toBe('status');
    expect(box.textContent).toContain('the disk is full (QuotaExceededError)');
    expect(box.textContent).toContain('Uploads are still sent to your organisation.');
    expect(box.textContent).toContain('3 not kept in this list; 1000 older ones removed to make room');
  });

  it('does not claim forwarding when no backend is set, nor when the queue itself failed', () => {
    renderPopup(document, state({ delivery: trouble({}, false) }), NOW);
    expect(document.getElementById('storage-trouble')!.textContent).toContain('still wait in the queue for a backend');
    renderPopup(document, state({ delivery: trouble({ trouble: 'could not queue events: the disk is full (QuotaExceededError)', queueFailed: true }) }), NOW);
    const text = document.getElementById('storage-trouble')!.textContent!;
    expect(text).toContain('could not be queued or kept');
    expect(text).not.toContain('still sent');
  });

  it('is hidden once a write succeeds again (no trouble), whatever was lost before', () => {
    renderPopup(document, state({ delivery: trouble() }), NOW);
    renderPopup(document, state({ delivery: trouble({ trouble: undefined }) }), NOW);
    expect(document.getElementById('storage-trouble')!.hidden).toBe(true);
  });

  it('renders the error text as text', () => {
    renderPopup(document, state({ delivery: trouble({ trouble: '<img src=x onerror="window.__pwned=3">' }) }), NOW);
    expect(document.querySelector('#storage-trouble img')).toBeNull();
  });
});
