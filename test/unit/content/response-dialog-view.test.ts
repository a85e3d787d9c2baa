// The response dialog's view (issue 14): what it says for each decision, and that text from the page
// or a rule (file names, messages, reasons, hosts) stays text: no markup survives, no control or
// bidi-override character disguises a name, and only https learn-more links are offered.
import { describe, expect, it } from 'vitest';
import type { ResponseDecision } from '../../../src/core/schema/response';
import { canConfirm, dialogView, formatSize, plainText, safeHttpsUrl, type Translate } from '../../../src/content/response/dialog-view';

/** Echoes the key and substitutions, so the tests see which message was chosen. */
const t: Translate = (key, subs) => (subs ? `${key}:${subs.join(',')}` : key);

const decision = (over: Partial<ResponseDecision> = {}): ResponseDecision => ({
  decisionId: 'a1',
  action: 'block',
  ruleId: 'r',
  message: 'Company files stay in company storage.',
  learnMoreUrl: 'https://intranet.example/dlp',
  justification: 'none',
  files: [{ name: 'ledger.xlsx', size: 2048 }],
  destination: { host: 'www.dropbox.com', name: 'Dropbox', category: 'cloud_storage' },
  reasons: ['Cloud storage', 'Spreadsheet'],
  severity: 'high',
  ...over,
});

describe('dialogView', () => {
  it.each([
    ['block', 'alertdialog', true, ['ok'], 'responseBlockTitle'],
    ['warn', 'alertdialog', true, ['cancel', 'proceed'], 'responseWarnTitle'],
    ['notify', 'status', false, ['ok'], 'responseNotifyTitle'],
  ] as const)('%s: role %s, modal %s, buttons %j', (action, role, modal, buttons, title) => {
    const view = dialogView(decision({ action }), t);
    expect(view).toMatchObject({ role, modal, title });
    expect(view.buttons.map((b) => b.action)).toEqual(buttons);
    expect(view.autoDismissMs !== undefined).toBe(action === 'notify');
  });

  it('shows the file, where it was going, the rule message, the reasons and the link', () => {
    const view = dialogView(decision(), t);
    expect(view.files).toEqual(['ledger.xlsx — 2.0 KB']);
    expect(view.destination).toBe('Dropbox (www.dropbox.com)');
    expect(view.message).toBe('Company files stay in company storage.');
    expect(view.reasons).toEqual(['Cloud storage', 'Spreadsheet']);
    expect(view.learnMore).toEqual({ href: 'https://intranet.example/dlp', label: 'responseLearnMore' });
    expect(view.intro).toBe('responseBlockIntro');
  });

  it('says when the failure mode decided, not a rule', () => {
    expect(dialogView(decision({ message: undefined }), t, 'timeout').intro).toBe('responseFailureIntro');
  });

  it('keeps hostile text as text: markup stays literal, controls and bidi overrides go', () => {
    const hostile = '<img src=x onerror=alert(1)>"\u202Egpj.exe';
    const view = dialogView(
      decision({
        files: [{ name: hostile, size: 1 }],
        message: '<b>Hi</b>\u0000<script>alert(1)</script>',
        reasons: ['<a href="javascript:alert(1)">x</a>'],
        destination: { host: 'evil.example<svg onload=alert(1)>', category: 'other' },
      }),
      t,
    );
    expect(view.files[0]).toBe('<img src=x onerror=alert(1)>" gpj.exe — 1 B');
    expect(view.message).toBe('<b>Hi</b> <script>alert(1)</script>');
    expect(view.reasons[0]).toBe('<a href="javascript:alert(1)">x</a>');
    expect(view.destination).toBe('evil.example<svg onload=alert(1)>');
    expect(JSON.stringify(view)).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
  });

  it.each([
    ['javascript:alert(1)', undefined],
    ['http://intranet.example/dlp', undefined],
    ['data:text/html,<b>x</b>', undefined],
    ['https://user:pw@intranet.example/', undefined],
    ['not a url', undefined],
    ['https://intranet.example/dlp?x=<y>', 'https://intranet.example/dlp?x=%3Cy%3E'],
  ])('learn-more link %s → %s', (url, expected) => {
    expect(safeHttpsUrl(url)).toBe(expected);
    expect(dialogView(decision({ learnMoreUrl: url }), t).learnMore?.href).toBe(expected);
  });

  it('lists five files and says how many more', () => {
    const files = Array.from({ length: 8 }, (_, i) => ({ name: `f${i}.txt`, size: i }));
    const view = dialogView(decision({ files }), t);
    expect(view.files).toHaveLength(5);
    expect(view.moreFiles).toBe('responseMoreFiles:3');
  });

  it('a required justification disables confirming until there is text; optional never does', () => {
    const required = dialogView(decision({ action: 'warn', justification: 'required' }), t);
    expect(required.justification).toMatchObject({ required: true, maxLength: 280, hint: 'responseJustificationRequired' });
    expect(canConfirm(required, '')).toBe(false);
    expect(canConfirm(required, '   ')).toBe(false);
    expect(canConfirm(required, 'for the notary')).toBe(true);
    const optional = dialogView(decision({ action: 'warn', justification: 'optional' }), t);
    expect(optional.justification?.required).toBe(false);
    expect(canConfirm(optional, '')).toBe(true);
    expect(dialogView(decision({ action: 'warn', justification: 'none' }), t).justification).toBeUndefined();
  });
});

describe('plainText and formatSize', () => {
  it('shortens long text with an ellipsis', () => {
    expect(plainText('a'.repeat(10), 5)).toBe('aaaa…');
  });
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [300 * 1024 * 1024 * 1024, '300 GB'],
  ])('%i bytes → %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));
});
