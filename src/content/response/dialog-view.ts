/**
 * The response dialog's view (issue 14): which strings, buttons and states it shows for a decision,
 * as a pure function. Everything in it that came from the page or a rule (file names, the rule's
 * message, reasons, the destination) is plain text here and is only ever set with textContent;
 * control and bidirectional-override characters are removed so a name cannot disguise its
 * extension ("invoice‮fdp.exe"), and a long name is shortened in its middle so its end still shows.
 */
import type { ResponseDecision, ResponseFailure } from '../../core/schema/response';

export const MESSAGE_KEYS = [
  'responseBlockTitle',
  'responseWarnTitle',
  'responseNotifyTitle',
  'responseBlockIntro',
  'responseWarnIntro',
  'responseNotifyIntro',
  'responseFailureIntro',
  'responseFiles',
  'responseMoreFiles',
  'responseDestination',
  'responseWhy',
  'responseLearnMore',
  'responseOk',
  'responseCancel',
  'responseProceed',
  'responseClose',
  'responseJustification',
  'responseJustificationRequired',
  'responseJustificationOptional',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];
export type Translate = (key: MessageKey, substitutions?: string[]) => string;

export const JUSTIFICATION_MAX = 280;
/** How long a notify notice stays. */
export const NOTICE_MS = 8_000;
const SHOWN_FILES = 5;

export type ButtonAction = 'ok' | 'cancel' | 'proceed';

export interface DialogView {
  kind: 'block' | 'warn' | 'notify';
  /** alertdialog: modal, needs an answer; status: a notice read out politely, never modal. */
  role: 'alertdialog' | 'status';
  modal: boolean;
  title: string;
  intro: string;
  message?: string;
  filesLabel: string;
  files: string[];
  moreFiles?: string;
  destinationLabel: string;
  destination: string;
  reasonsLabel: string;
  reasons: string[];
  learnMore?: { href: string; label: string };
  justification?: { label: string; hint: string; required: boolean; maxLength: number };
  buttons: { action: ButtonAction; label: string; primary: boolean }[];
  autoDismissMs?: number;
}

// C0/C1 controls, and Unicode's Bidi_Control characters: the marks (U+061C, U+200E, U+200F), the
// embeddings and overrides (U+202A–202E) and the isolates (U+2066–2069).
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Page- or rule-supplied text as one plain line, at most `max` characters. */
export function plainText(value: string, max: number): string {
  const clean = value.replace(HIDDEN, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Characters a shortened file name keeps from its end: src/core/files/classify.ts counts extensions of up to 32. */
const NAME_TAIL = 32;

/**
 * A file name as one plain line of at most `max` characters, shortened in the middle: its end, where
 * the real extension is, always shows ("invoice.pdf_____…_____.exe", never "invoice.pdf_____…").
 */
export function fileNameText(value: string, max: number): string {
  const chars = Array.from(plainText(value, Number.POSITIVE_INFINITY));
  if (chars.length <= max) return chars.join('');
  const tail = Math.min(NAME_TAIL, max - 2);
  return `${chars.slice(0, max - 1 - tail).join('')}…${chars.slice(-tail).join('')}`;
}

/** A learn-more link only when it is an https URL (never javascript:, data: or http:). */
export function safeHttpsUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function dialogView(decision: ResponseDecision, t: Translate, failure?: ResponseFailure): DialogView {
  const kind = decision.action === 'warn' ? 'warn' : decision.action === 'notify' || decision.action === 'allow' ? 'notify' : 'block';
  const host = plainText(decision.destination.host, 255);
  const name = decision.destination.name ? plainText(decision.destination.name, 128) : '';
  const destination = name && name !== host ? `${name} (${host})` : host;
  const files = decision.files.slice(0, SHOWN_FILES).map((f) => `${fileNameText(f.name, 120)} — ${formatSize(f.size)}`);
  const more = decision.files.length - SHOWN_FILES;
  const href = safeHttpsUrl(decision.learnMoreUrl);
  const message = decision.message ? plainText(decision.message, 300) : '';
  const view: DialogView = {
    kind,
    role: kind === 'notify' ? 'status' : 'alertdialog',
    modal: kind !== 'notify',
    title: t(kind === 'block' ? 'responseBlockTitle' : kind === 'warn' ? 'responseWarnTitle' : 'responseNotifyTitle'),
    intro: t(failure ? 'responseFailureIntro' : kind === 'block' ? 'responseBlockIntro' : kind === 'warn' ? 'responseWarnIntro' : 'responseNotifyIntro'),
    ...(message && { message }),
    filesLabel: t('responseFiles'),
    files,
    ...(more > 0 && { moreFiles: t('responseMoreFiles', [String(more)]) }),
    destinationLabel: t('responseDestination'),
    destination,
    reasonsLabel: t('responseWhy'),
    reasons: decision.reasons.map((r) => plainText(r, 200)).filter(Boolean),
    ...(href && { learnMore: { href, label: t('responseLearnMore') } }),
    buttons: [],
  };
  if (kind === 'warn') {
    if (decision.justification !== 'none') {
      const required = decision.justification === 'required';
      view.justification = {
        label: t('responseJustification'),
        hint: t(required ? 'responseJustificationRequired' : 'responseJustificationOptional'),
        required,
        maxLength: JUSTIFICATION_MAX,
      };
    }
    view.buttons = [
      { action: 'cancel', label: t('responseCancel'), primary: false },
      { action: 'proceed', label: t('responseProceed'), primary: true },
    ];
  } else if (kind === 'block') {
    view.buttons = [{ action: 'ok', label: t('responseOk'), primary: true }];
  } else {
    view.buttons = [{ action: 'ok', label: t('responseClose'), primary: false }];
    view.autoDismissMs = NOTICE_MS;
  }
  return view;
}

/** Whether the confirming button may be used with this justification typed so far. */
export function canConfirm(view: DialogView, justification: string): boolean {
  return !view.justification?.required || justification.trim().length > 0;
}
