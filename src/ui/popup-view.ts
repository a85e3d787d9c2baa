/**
 * Renders the popup from a PopupState. Every page-derived string (file names, titles, URLs) goes
 * in through textContent, never as markup: a file named `<img onerror=…>.pdf` shows as text. File
 * names lose their control and bidi characters, so `invoice‮fdp.exe` does not show as "invoiceexe.pdf".
 */
import { CATEGORY_LABELS } from '../core/risk/labels';
import type { FileEvent } from '../core/schema/event';
import type { DeliveryState, PopupState } from '../core/schema/messages';
import { plainLine } from '../core/formats/escape';
import { responseLine } from '../core/response/outcome-words';
import { el } from './dom';

export function formatTime(iso: string, now: Date): string {
  const at = new Date(iso);
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return at.toLocaleString();
}

function eventItem(doc: Document, event: FileEvent, isNew: boolean, now: Date): HTMLLIElement {
  const d = event.destination;
  const where = d.serviceName ?? (d.host || 'unknown destination');
  const item = el(
    doc,
    'li',
    `event${isNew ? ' new' : ''}`,
    el(
      doc,
      'div',
      'row',
      el(doc, 'span', `sev sev-${event.risk.severity}`, event.risk.severity),
      el(doc, 'span', 'file', plainLine(event.file.name, Number.POSITIVE_INFINITY)),
      // No trusted DOM event behind it: the page (or a script in it) made this upload, or claims it did.
      ...(event.trustedEvent ? [] : [el(doc, 'span', 'script-made', 'script-made')]),
      el(doc, 'span', 'weight', `score ${event.risk.score}`),
    ),
    el(doc, 'div', 'dest', `${where} · ${CATEGORY_LABELS.destination[d.category]}`),
    el(doc, 'div', 'time', formatTime(event.observedAt, now)),
  );
  const outcome = responseLine(event.response);
  if (outcome) item.append(el(doc, 'div', `outcome outcome-${event.response!.outcome}`, outcome));
  item.dataset.eventId = event.id;
  const list = el(doc, 'ul', 'indicators');
  for (const indicator of event.risk.indicators) {
    list.append(el(doc, 'li', undefined, `${indicator.reason} `, el(doc, 'span', 'weight', `+${indicator.weight}`)));
  }
  item.append(list);
  return item;
}

export function deliveryLine(d: DeliveryState): string {
  if (!d.configured) return 'No backend configured: events are kept on this device.';
  const scriptMade = d.scriptMadeDropped ?? 0;
  const extra = [
    d.deadLetters > 0
      ? `${d.deadLetters} refused by the backend (kept as dead letters)${d.deadLetterOldestAt !== undefined ? ` since ${new Date(d.deadLetterOldestAt).toLocaleString()}` : ''}`
      : '',
    d.dropped - scriptMade > 0 ? `${d.dropped - scriptMade} dropped (outbox full)` : '',
    scriptMade > 0 ? `${scriptMade} script-made dropped (too many from one tab)` : '',
  ].filter(Boolean);
  const tail = extra.length ? ` ${extra.join('; ')}.` : '';
  if (d.lastError && d.queued > 0) return `${d.queued} event(s) waiting to be sent (${d.lastError}).${tail}`;
  if (d.queued > 0) return `${d.queued} event(s) waiting to be sent.${tail}`;
  return `All events delivered.${tail}`;
}

/**
 * Storage trouble in words: what failed, what it means and what still works. Undefined when the
 * last write on this device succeeded.
 */
export function storageNotice(d: DeliveryState): string | undefined {
  const s = d.storage;
  if (s?.trouble === undefined) return undefined;
  const cause = `Upwatch cannot write on this device (${s.trouble}).`;
  if (s.queueFailed) return `${cause} The last upload could not be queued or kept: free disk space so Upwatch can record uploads again.`;
  const still = d.configured ? 'Uploads are still sent to your organisation.' : 'Uploads still wait in the queue for a backend.';
  const lost = [
    s.notKeptLocally > 0 ? `${s.notKeptLocally} not kept in this list` : '',
    s.prunedForSpace > 0 ? `${s.prunedForSpace} older ones removed to make room` : '',
  ].filter(Boolean);
  return `${cause} ${still} Only this browser's own history is incomplete${lost.length ? ` (${lost.join('; ')})` : ''}. Freeing disk space fixes it.`;
}

/** Shows the storage notice in the element with id `storage-trouble`, or hides it. */
export function renderStorageNotice(doc: Document, d: DeliveryState): void {
  const box = doc.getElementById('storage-trouble');
  if (!box) return;
  const text = storageNotice(d);
  box.hidden = text === undefined;
  box.textContent = text ?? '';
}

export function renderPopup(doc: Document, state: PopupState, now: Date): void {
  doc.getElementById('delivery')!.textContent = deliveryLine(state.delivery);
  renderStorageNotice(doc, state.delivery);

  const errors = doc.getElementById('policy-errors')!;
  errors.replaceChildren();
  errors.hidden = state.policyErrors.length === 0;
  if (state.policyErrors.length > 0) {
    const list = el(doc, 'ul', undefined);
    for (const e of state.policyErrors) list.append(el(doc, 'li', undefined, `${e.key}: ${e.message}`));
    errors.append('Policy errors (the last good values stay in force):', list);
  }

  const main = doc.getElementById('events')!;
  if (!state.showEventList) {
    main.replaceChildren(el(doc, 'p', 'empty', 'Upwatch is monitoring uploads for your organisation.'));
    return;
  }
  if (state.events.length === 0) {
    main.replaceChildren(el(doc, 'p', 'empty', 'No risky uploads yet.'));
    return;
  }
  const list = el(doc, 'ol', 'events');
  for (const event of state.events) {
    list.append(eventItem(doc, event, Date.parse(event.observedAt) > state.lastSeenAt, now));
  }
  main.replaceChildren(list);
}
