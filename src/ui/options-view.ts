/**
 * Renders the options page from an OptionsState: each policy key with its effective value, where
 * it came from (managed / synced / default) and a lock where the managed policy sets it. Values
 * go in through textContent: a synced value is data, never markup.
 */
import type { OptionsState } from '../core/schema/messages';
import { el } from './dom';
import { deliveryLine, renderStorageNotice } from './popup-view';

const SOURCE_LABEL = { managed: 'managed policy', synced: 'synced from the backend', default: 'default' } as const;

function when(ms: number | undefined): string {
  return ms === undefined ? 'never' : new Date(ms).toLocaleString();
}

export function renderOptions(doc: Document, state: OptionsState): void {
  const identity = doc.getElementById('identity')!;
  identity.textContent =
    state.identity.source === 'unknown'
      ? 'User: unknown (no userEmail in policy, no signed-in browser profile)'
      : `User: ${state.identity.email} (from ${state.identity.source === 'policy' ? 'policy' : 'the signed-in browser profile'})`;
  doc.getElementById('version')!.textContent = `Risk settings version: ${state.settingsVersion}`;

  const sync = doc.getElementById('sync')!;
  sync.textContent = state.sync.url
    ? `Settings sync: ${state.sync.url}, every ${state.sync.intervalMinutes} min; last success ${when(state.sync.lastSuccessAt)}${
        state.sync.lastError ? `; last error: ${state.sync.lastError}` : ''
      }`
    : 'Settings sync: off (no settingsSyncUrl in the managed policy)';

  const delivery = doc.getElementById('delivery');
  if (delivery) delivery.textContent = `Delivery (${state.delivery.format}): ${deliveryLine(state.delivery)}`;
  renderStorageNotice(doc, state.delivery);
  const requeue = doc.getElementById('requeue');
  if (requeue) requeue.hidden = state.delivery.deadLetters === 0;

  const errors = doc.getElementById('errors')!;
  errors.replaceChildren();
  errors.hidden = state.errors.length === 0;
  if (state.errors.length) {
    errors.append(el(doc, 'h2', undefined, 'Rejected values (the last good value stays in force)'));
    const list = el(doc, 'ul');
    for (const e of state.errors) list.append(el(doc, 'li', undefined, `${e.key}${e.source ? ` (${e.source})` : ''}: ${e.message}`));
    errors.append(list);
  }

  const body = doc.getElementById('keys')!;
  body.replaceChildren();
  for (const k of state.keys) {
    const row = el(doc, 'tr', `source-${k.source}`);
    row.dataset.key = k.key;
    const name = el(doc, 'td', 'key');
    name.append(el(doc, 'div', 'title', k.title), el(doc, 'code', undefined, k.key), el(doc, 'div', 'description', k.description));
    const value = el(doc, 'td', 'value');
    value.append(el(doc, 'code', undefined, k.value));
    const source = el(doc, 'td', 'source', `${k.locked ? '🔒 ' : ''}${SOURCE_LABEL[k.source]}`);
    if (k.locked) source.title = 'Set by the managed policy: locked';
    row.append(name, value, source);
    body.append(row);
  }
}
