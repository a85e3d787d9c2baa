/**
 * The form that adds or edits one response rule. It only shapes what was typed into a rule; the
 * console checks it (and answers 400 naming the rule), and that answer is shown inside this form.
 */
import { useState } from 'preact/hooks';
import type { ApiAnswer } from '../api-types';
import { Options } from '../forms';
import { CHANNELS, DESTINATION_CATEGORIES, FILE_CATEGORIES, SEVERITIES } from '../identifiers';
import {
  ACTION_WORDS,
  JUSTIFICATION_MODES,
  RESPONSE_ACTIONS,
  RESPONSE_MESSAGE_MAX,
  TEMPORARY_ALLOW_MAX_MINUTES,
  type ResponseConditions,
  type ResponseRule,
} from '../response';

export type WatchlistInfo = ApiAnswer<'/api/v1/watchlists'>['watchlists'][number];

const words = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The rule a submitted form describes: empty fields and empty lists left out (an empty list is no condition). */
function ruleOf(form: HTMLFormElement): ResponseRule {
  const data = new FormData(form);
  const text = (k: string) => String(data.get(k) ?? '').trim();
  const many = (k: string) => data.getAll(k).map(String).filter(Boolean);
  const when: ResponseConditions = {};
  if (text('minSeverity')) when.minSeverity = text('minSeverity');
  const lists: [keyof ResponseConditions, string[]][] = [
    ['destinationCategories', many('destinationCategories')],
    ['serviceIds', words(text('serviceIds'))],
    ['fileCategories', many('fileCategories')],
    ['indicators', words(text('indicators'))],
    ['channels', many('channels')],
    ['watchlists', many('watchlists')],
  ];
  for (const [k, v] of lists) if (v.length) (when as Record<string, unknown>)[k] = v;
  const rule: ResponseRule = { id: text('id'), action: text('action') as ResponseRule['action'] };
  if (Object.keys(when).length) rule.when = when;
  // The message keeps its line breaks and inner spaces: it is shown as typed.
  const message = String(data.get('message') ?? '');
  if (message.trim()) rule.message = message;
  if (text('learnMoreUrl')) rule.learnMoreUrl = text('learnMoreUrl');
  if (text('justification') && text('justification') !== 'none') rule.justification = text('justification') as ResponseRule['justification'];
  if (text('temporaryAllowMinutes')) rule.temporaryAllowMinutes = Number(text('temporaryAllowMinutes'));
  return rule;
}

function Many(props: { name: string; label: string; values: readonly string[]; chosen?: string[]; labels?: Record<string, string> }) {
  const values = [...new Set([...props.values, ...(props.chosen ?? [])])];
  return (
    <label>
      {props.label}
      <select name={props.name} multiple size={Math.min(5, values.length || 1)}>
        {values.map((v) => (
          <option key={v} value={v} selected={props.chosen?.includes(v)}>
            {props.labels?.[v] ?? v}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ResponseRuleForm(props: {
  rule?: ResponseRule;
  watchlists: WatchlistInfo[];
  errors: string[];
  onSave: (rule: ResponseRule) => Promise<boolean>;
  onCancel: () => void;
}) {
  const r = props.rule;
  const w = r?.when ?? {};
  const [busy, setBusy] = useState(false);
  const title = r ? `Edit response rule ${r.id}` : 'New response rule';
  const watchlistLabels = Object.fromEntries(props.watchlists.map((l) => [l.id, `${l.name} (${l.id})${l.syncToBrowsers ? '' : ' — not synced to browsers'}`]));
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    void props.onSave(ruleOf(e.currentTarget as HTMLFormElement)).finally(() => setBusy(false));
  };
  return (
    <form class="card rule-form" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      {props.errors.length > 0 && (
        <div role="alert" class="error">
          <p>The console refused this rule:</p>
          <ul>
            {props.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <div class="filters">
        <label>
          Rule id
          <input name="id" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" defaultValue={r?.id ?? ''} placeholder="no-personal-cloud" />
        </label>
        <label>
          Action
          <select name="action">
            <Options values={RESPONSE_ACTIONS} labels={ACTION_WORDS} selected={r?.action ?? 'warn'} />
          </select>
        </label>
        <label>
          Justification (warn only)
          <select name="justification">
            <Options values={JUSTIFICATION_MODES} selected={r?.justification ?? 'none'} />
          </select>
        </label>
        <label>
          Temporary allow, minutes (warn only)
          <input
            name="temporaryAllowMinutes"
            type="number"
            min={1}
            max={TEMPORARY_ALLOW_MAX_MINUTES}
            defaultValue={r?.temporaryAllowMinutes?.toString() ?? ''}
          />
        </label>
        <label>
          Learn-more link (https)
          <input name="learnMoreUrl" type="url" maxLength={2048} defaultValue={r?.learnMoreUrl ?? ''} placeholder="https://intranet.example/dlp" />
        </label>
      </div>
      <label>
        Message shown to the person (plain text)
        <textarea name="message" rows={2} maxLength={RESPONSE_MESSAGE_MAX} defaultValue={r?.message ?? ''} />
      </label>
      <fieldset>
        <legend>When (every condition given must hold; a list holds when any of its values does)</legend>
        <div class="filters">
          <label>
            Lowest severity
            <select name="minSeverity">
              <option value="" selected={!w.minSeverity}>
                any
              </option>
              <Options values={SEVERITIES} selected={w.minSeverity ?? ''} />
            </select>
          </label>
          <Many name="destinationCategories" label="Destination categories" values={DESTINATION_CATEGORIES} chosen={w.destinationCategories} />
          <Many name="fileCategories" label="File categories" values={FILE_CATEGORIES} chosen={w.fileCategories} />
          <Many name="channels" label="Channels" values={CHANNELS} chosen={w.channels} />
          <Many name="watchlists" label="Watchlists" values={props.watchlists.map((l) => l.id)} chosen={w.watchlists} labels={watchlistLabels} />
          <label>
            Service ids (comma-separated)
            <input name="serviceIds" defaultValue={(w.serviceIds ?? []).join(', ')} placeholder="dropbox, chatgpt" maxLength={4000} />
          </label>
          <label>
            Indicators (comma-separated)
            <input name="indicators" defaultValue={(w.indicators ?? []).join(', ')} placeholder="off_hours" maxLength={4000} />
          </label>
        </div>
      </fieldset>
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {r ? 'Save rule' : 'Add rule'}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
