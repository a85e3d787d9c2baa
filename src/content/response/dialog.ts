/**
 * The response dialog (issue 14), in the page but out of its reach: a host element with a random
 * custom-element name (the page cannot pre-define it) appended to <html>, a closed shadow root,
 * styles only inside it, and the top layer (`<dialog>.showModal()`, a popover for a notice) so no
 * page z-index covers it. It acts only on trusted events: a page's synthetic clicks and keys do
 * nothing. Text is set with textContent only. Built lazily (entrypoints/response.ts). While it is
 * shown, dialog-guard.ts puts it back whenever the page's script takes it away or covers it.
 */
import type { ResponseDecision, ResponseFailure } from '../../core/schema/response';
import type { DialogResult, ResponseDialog } from './module-api';
import { DIALOG_CSS, HOST_STYLE } from './dialog-style';
import { guardDialog, later } from './dialog-guard';
import { canConfirm, dialogView, type ButtonAction, type DialogView, type Translate } from './dialog-view';

function element<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, text?: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  if (text !== undefined) el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function randomName(): string {
  return `upwatch-${Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The dialog's content for a view: returned with the controls the behaviour needs. */
function render(doc: Document, view: DialogView, box: HTMLElement) {
  box.className = `box ${view.kind}${view.modal ? '' : ' notice'}`;
  box.setAttribute('role', view.role);
  box.setAttribute('aria-labelledby', 'upwatch-title');
  box.setAttribute('aria-describedby', 'upwatch-intro');
  if (view.modal) box.setAttribute('aria-modal', 'true');
  else box.setAttribute('aria-live', 'polite');
  box.append(element(doc, 'h2', view.title, { id: 'upwatch-title' }), element(doc, 'p', view.intro, { id: 'upwatch-intro' }));
  if (view.message) box.append(element(doc, 'p', view.message, { class: 'message' }));
  const facts = element(doc, 'dl');
  const files = element(doc, 'ul');
  // Names and hosts read left to right whatever direction the page gives <html> (it reaches the box
  // through inheritance): in a right-to-left box "invoice.pdf\u05D0.exe" is drawn ending in ".pdf".
  for (const f of view.files) files.append(element(doc, 'li', f, { dir: 'ltr' }));
  if (view.moreFiles) files.append(element(doc, 'li', view.moreFiles));
  const filesDd = element(doc, 'dd');
  filesDd.append(files);
  facts.append(element(doc, 'dt', view.filesLabel), filesDd, element(doc, 'dt', view.destinationLabel), element(doc, 'dd', view.destination, { dir: 'ltr' }));
  if (view.reasons.length > 0) {
    const reasons = element(doc, 'ul');
    for (const r of view.reasons) reasons.append(element(doc, 'li', r));
    const dd = element(doc, 'dd');
    dd.append(reasons);
    facts.append(element(doc, 'dt', view.reasonsLabel), dd);
  }
  box.append(facts);
  if (view.learnMore) {
    const p = element(doc, 'p');
    p.append(element(doc, 'a', view.learnMore.label, { href: view.learnMore.href, target: '_blank', rel: 'noopener noreferrer' }));
    box.append(p);
  }
  let textarea: HTMLTextAreaElement | undefined;
  if (view.justification) {
    textarea = element(doc, 'textarea', undefined, {
      id: 'upwatch-justification',
      maxlength: String(view.justification.maxLength),
      'aria-describedby': 'upwatch-hint',
    });
    if (view.justification.required) textarea.setAttribute('aria-required', 'true');
    box.append(
      element(doc, 'label', view.justification.label, { for: 'upwatch-justification' }),
      textarea,
      element(doc, 'p', view.justification.hint, { id: 'upwatch-hint', class: 'hint' }),
    );
  }
  const row = element(doc, 'div', undefined, { class: 'buttons' });
  const buttons = new Map<ButtonAction, HTMLButtonElement>();
  for (const b of view.buttons) {
    const button = element(doc, 'button', b.label, { type: 'button', ...(b.primary && { class: 'primary' }) });
    buttons.set(b.action, button);
    row.append(button);
  }
  box.append(row);
  return { textarea, buttons };
}

export function createResponseDialog(doc: Document, t: Translate): ResponseDialog {
  // One modal at a time: a page sending several blocked uploads at once shows them one after another.
  let modals: Promise<unknown> = Promise.resolve();
  return {
    show(decision: ResponseDecision, failure?: ResponseFailure): Promise<DialogResult> {
      if (decision.action === 'notify' || decision.action === 'allow') return display(doc, t, decision, failure);
      const shown = modals.then(() => display(doc, t, decision, failure));
      modals = shown.catch(() => undefined);
      return shown;
    },
  };
}

function display(doc: Document, t: Translate, decision: ResponseDecision, failure?: ResponseFailure): Promise<DialogResult> {
  const view = dialogView(decision, t, failure);
  return new Promise<DialogResult>((resolve) => {
    let done = false;
    let stopGuard = () => {};
    let shown: Mounted;
    const finish = (proceed: boolean) => {
      if (done) return;
      done = true;
      const justification = shown.textarea?.value.trim().slice(0, view.justification?.maxLength);
      stopGuard(); // before the host goes, or the guard would put it back
      shown.host.remove();
      resolve({ proceed, ...(proceed && justification && { justification }) });
    };
    const act = (action: ButtonAction) => {
      if (action === 'proceed' && !canConfirm(view, shown.textarea?.value ?? '')) return;
      finish(action === 'proceed' || (action === 'ok' && view.kind === 'notify'));
    };
    shown = mount(doc, view, act);
    stopGuard = guardDialog({
      doc,
      hostStyle: HOST_STYLE,
      modal: view.modal,
      current: () => shown,
      remount: () => {
        // A rewritten document (document.open) has erased every listener of the old host: a new one, same answer so far.
        const typed = shown.textarea?.value;
        shown.host.remove();
        shown = mount(doc, view, act, typed);
      },
      reopen: () => shown.reopen(),
    });
    // A timer the page cannot clear: a notice the page kept up would be put back for ever.
    if (!view.modal) later(view.autoDismissMs ?? 0, () => finish(true));
    // A notice never holds the upload.
    if (view.kind === 'notify') resolve({ proceed: true });
  });
}

interface Mounted {
  host: HTMLElement;
  box: HTMLElement;
  textarea?: HTMLTextAreaElement;
  /** Opens the modal again, the focus back on the control that last had it. */
  reopen(): void;
}

/** Builds the host, its closed root and the box on <html>, wires the trusted controls and opens it. */
function mount(doc: Document, view: DialogView, act: (action: ButtonAction) => void, typed?: string): Mounted {
  const host = doc.createElement(randomName());
  host.setAttribute('style', HOST_STYLE);
  const root = host.attachShadow({ mode: 'closed' });
  const style = element(doc, 'style', DIALOG_CSS);
  const box = view.modal ? element(doc, 'dialog') : element(doc, 'div');
  root.append(style, box);
  const { textarea, buttons } = render(doc, view, box);
  if (textarea && typed) textarea.value = typed;
  doc.documentElement.append(host);

  const confirmButton = buttons.get('proceed');
  const update = () => {
    if (confirmButton) confirmButton.disabled = !canConfirm(view, textarea?.value ?? '');
  };
  update();
  textarea?.addEventListener('input', update);
  for (const [action, button] of buttons) {
    button.addEventListener('click', (event) => {
      // Only the person: a page can reach neither the root nor, through it, a trusted click.
      if (event.isTrusted) act(action);
    });
  }
  const focusables = () => Array.from(root.querySelectorAll<HTMLElement>('a[href], textarea, button:not(:disabled)'));
  // The control to give the focus back to when the guard re-opens the box; not the one showModal() picks.
  const first = textarea ?? buttons.get(view.kind === 'warn' ? 'cancel' : 'ok');
  let last: HTMLElement | undefined = first;
  let opening = false;
  root.addEventListener('focusin', () => {
    if (!opening && root.activeElement instanceof HTMLElement) last = root.activeElement;
  });
  box.addEventListener('keydown', (e) => {
    const event = e as KeyboardEvent;
    if (!event.isTrusted) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      act(view.kind === 'warn' ? 'cancel' : 'ok');
    } else if (event.key === 'Enter' && !event.shiftKey && !(event.target instanceof HTMLButtonElement) && !(event.target instanceof HTMLAnchorElement)) {
      event.preventDefault();
      act(view.kind === 'warn' ? 'proceed' : 'ok');
    } else if (event.key === 'Tab') {
      const list = focusables();
      const at = list.indexOf(root.activeElement as HTMLElement);
      const next = event.shiftKey ? (at <= 0 ? list.length - 1 : at - 1) : at === list.length - 1 ? 0 : at + 1;
      event.preventDefault();
      list[next]?.focus();
    }
  });
  // A modal takes the focus (the rest of the page is inert); a notice never takes it from the page.
  const open = () => {
    if (!(box instanceof HTMLDialogElement)) return;
    opening = true;
    try {
      // Removed from the document, a dialog leaves the top layer but keeps `open`: close, then open again.
      if (box.open) box.close();
      box.showModal();
    } finally {
      opening = false;
    }
    if (!last?.isConnected || (last as HTMLButtonElement).disabled) last = first;
    last?.focus();
  };
  if (box instanceof HTMLDialogElement) {
    // Esc on a modal dialog fires `cancel` first: handled above, the dialog stays ours to close.
    box.addEventListener('cancel', (event) => event.preventDefault());
    open();
  } else {
    box.setAttribute('popover', 'manual');
    try {
      box.showPopover();
    } catch {
      // No popover support: the host's fixed position and maximum z-index still show it.
    }
  }
  return { host, box, textarea, reopen: open };
}
