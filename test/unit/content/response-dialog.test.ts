// The response dialog in a DOM (issue 14): hostile names and messages become text nodes, never
// elements; the host sits on <html> with a closed shadow root; a page's synthetic clicks and keys do
// nothing; a notice never holds the upload.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResponseDecision } from '../../../src/core/schema/response';
import { createResponseDialog } from '../../../src/content/response/dialog';

const t = (key: string) => key;
const decision = (over: Partial<ResponseDecision> = {}): ResponseDecision => ({
  decisionId: 'a',
  action: 'block',
  message: '<img src=x onerror="window.pwned=1">',
  learnMoreUrl: 'https://intranet.example/dlp',
  justification: 'none',
  files: [{ name: '<script>window.pwned=1</script>.csv', size: 10 }],
  destination: { host: 'www.dropbox.com', name: '<b>Dropbox</b>', category: 'cloud_storage' },
  reasons: ['<iframe src=javascript:1>'],
  severity: 'high',
  ...over,
});

function captureRoot() {
  const attach = HTMLElement.prototype.attachShadow;
  let root: ShadowRoot | undefined;
  const spy = vi.spyOn(HTMLElement.prototype, 'attachShadow').mockImplementation(function (this: HTMLElement, init: ShadowRootInit) {
    expect(init.mode).toBe('closed');
    root = attach.call(this, init);
    return root;
  });
  return { root: () => root!, restore: () => spy.mockRestore() };
}

afterEach(() => {
  document.documentElement.querySelectorAll(':scope > *:not(head):not(body)').forEach((el) => el.remove());
});

describe('the dialog', () => {
  it('puts page and rule text in as text only, on a host attached to <html>', async () => {
    const capture = captureRoot();
    try {
      void createResponseDialog(document, t).show(decision());
      await Promise.resolve();
      const host = document.documentElement.lastElementChild!;
      expect(host.tagName).toMatch(/^UPWATCH-[0-9A-F]{12}$/);
      const root = capture.root();
      expect(root.querySelector('img, script, b, iframe')).toBeNull();
      expect(root.textContent).toContain('<script>window.pwned=1</script>.csv');
      expect(root.textContent).toContain('<img src=x onerror="window.pwned=1">');
      expect(root.querySelector('[role="alertdialog"]')?.getAttribute('aria-labelledby')).toBe('upwatch-title');
      const link = root.querySelector('a')!;
      expect(link.getAttribute('href')).toBe('https://intranet.example/dlp');
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toContain('noopener');
      expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
    } finally {
      capture.restore();
    }
  });

  it('ignores a page’s synthetic clicks and keys', async () => {
    const capture = captureRoot();
    try {
      let settled = false;
      void createResponseDialog(document, t)
        .show(decision({ action: 'warn', justification: 'optional' }))
        .then(() => (settled = true));
      await Promise.resolve();
      const root = capture.root();
      const buttons = Array.from(root.querySelectorAll('button'));
      expect(buttons.map((b) => b.textContent)).toEqual(['responseCancel', 'responseProceed']);
      for (const b of buttons) b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      root.querySelector('dialog')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await new Promise((r) => setTimeout(r, 0));
      expect(settled).toBe(false);
      expect(document.documentElement.lastElementChild?.tagName).toMatch(/^UPWATCH-/);
    } finally {
      capture.restore();
    }
  });

  it('a required justification keeps the confirm button disabled until there is text', async () => {
    const capture = captureRoot();
    try {
      void createResponseDialog(document, t).show(decision({ action: 'warn', justification: 'required' }));
      await Promise.resolve();
      const root = capture.root();
      const proceed = Array.from(root.querySelectorAll('button')).find((b) => b.textContent === 'responseProceed')!;
      const textarea = root.querySelector('textarea')!;
      expect(textarea.getAttribute('maxlength')).toBe('280');
      expect(proceed.disabled).toBe(true);
      textarea.value = 'because';
      textarea.dispatchEvent(new Event('input'));
      expect(proceed.disabled).toBe(false);
    } finally {
      capture.restore();
    }
  });

  it('a block has the focus on OK, and gives it back there after the page removes the dialog', async () => {
    const capture = captureRoot();
    try {
      void createResponseDialog(document, t).show(decision());
      await Promise.resolve();
      const root = capture.root();
      const ok = root.querySelector('button')!;
      expect(ok.textContent).toBe('responseOk');
      expect(root.activeElement).toBe(ok);
      document.documentElement.lastElementChild!.remove();
      await new Promise((r) => setTimeout(r, 0));
      expect(document.documentElement.lastElementChild?.tagName).toMatch(/^UPWATCH-/);
      expect(root.querySelector('dialog')!.open).toBe(true);
      expect(root.activeElement).toBe(ok);
    } finally {
      capture.restore();
    }
  });

  it('a notice resolves at once: it never holds the upload', async () => {
    await expect(createResponseDialog(document, t).show(decision({ action: 'notify' }))).resolves.toEqual({ proceed: true });
  });
});
