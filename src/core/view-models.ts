/**
 * What the popup, the options page and the toolbar badge show, as pure functions of the effective
 * configuration and the facts the background reads from its stores.
 */
import type { EffectiveConfig } from './effective-config';
import { responseLine } from './response/outcome-words';
import type { FileEvent } from './schema/event';
import type { DeliveryState, OptionsState, PopupState } from './schema/messages';
import { POLICY_KEYS, POLICY_SHAPE, SECRET_KEYS } from './schema/policy';
import type { PolicyError } from './schema/policy-error';

/** The delivery facts kept by the outbox. */
export interface DeliveryFacts {
  queued: number;
  deadLetters: number;
  /** Events dropped because the outbox was full, since installation. */
  droppedTotal: number;
  lastSuccessAt?: number;
  lastError?: string;
}

export function deliveryState(config: Pick<EffectiveConfig, 'policy'>, facts: DeliveryFacts): DeliveryState {
  return {
    configured: config.policy.backendUrl !== undefined,
    format: config.policy.backendFormat,
    queued: facts.queued,
    deadLetters: facts.deadLetters,
    dropped: facts.droppedTotal,
    ...(facts.lastSuccessAt !== undefined && { lastSuccessAt: facts.lastSuccessAt }),
    ...(facts.lastError !== undefined && { lastError: facts.lastError }),
  };
}

export function popupState(
  config: Pick<EffectiveConfig, 'policy' | 'errors'>,
  facts: { riskyEvents: FileEvent[]; lastSeenAt: number; delivery: DeliveryState },
): PopupState {
  const { showEventList } = config.policy;
  return {
    showEventList,
    events: showEventList ? facts.riskyEvents : [],
    lastSeenAt: facts.lastSeenAt,
    policyErrors: config.errors,
    delivery: facts.delivery,
  };
}

/** Events the popup lists: risky ones, and any a response rule acted on, newest first, at most `limit`. */
export function popupEvents(risky: readonly FileEvent[], recent: readonly FileEvent[], limit: number): FileEvent[] {
  const byId = new Map<string, FileEvent>();
  for (const e of [...risky, ...recent.filter((e) => responseLine(e.response) !== undefined)]) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => (a.observedAt < b.observedAt ? 1 : a.observedAt > b.observedAt ? -1 : 0)).slice(0, limit);
}

/** How settings sync went, as stored. */
export interface SyncStatus {
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  lastError?: string;
}

const MAX_VALUE_CHARS = 4000;

function display(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** Every policy key's effective value (credentials masked) and where it came from. */
export function optionsState(config: EffectiveConfig, sync: SyncStatus, delivery: DeliveryState): OptionsState {
  const policy: Partial<Record<string, unknown>> = config.policy;
  const keys = POLICY_KEYS.map((key) => {
    const meta = (POLICY_SHAPE[key].meta() ?? {}) as { title?: string; description?: string };
    const source = config.sources[key];
    const value = policy[key];
    return {
      key,
      title: meta.title ?? key,
      description: meta.description ?? '',
      value: SECRET_KEYS.has(key) && value !== undefined ? '•••••• (set)' : display(value),
      source,
      locked: source === 'managed',
    };
  });
  return {
    keys,
    errors: config.errors,
    identity: config.identity,
    settingsVersion: config.settings.version,
    delivery,
    sync: {
      ...(config.policy.settingsSyncUrl && { url: config.policy.settingsSyncUrl }),
      intervalMinutes: config.policy.settingsSyncIntervalMinutes,
      ...(sync.lastSuccessAt !== undefined && { lastSuccessAt: sync.lastSuccessAt }),
      ...(sync.lastAttemptAt !== undefined && { lastAttemptAt: sync.lastAttemptAt }),
      ...(sync.lastError !== undefined && { lastError: sync.lastError }),
      watchlists: config.watchlists,
    },
  };
}

export interface Badge {
  text: string;
  color: string;
  title: string;
}

/** The toolbar badge: unseen risky uploads, or "!" when the policy has errors an admin must see. */
export function badgeFor(unseenRisky: number, errors: readonly PolicyError[]): Badge {
  if (errors.length > 0) {
    return { text: '!', color: '#b00020', title: `Upwatch: policy error in ${errors.map((e) => e.key).join(', ')}` };
  }
  const text = unseenRisky === 0 ? '' : unseenRisky > 999 ? '999+' : String(unseenRisky);
  return { text, color: '#c05600', title: unseenRisky ? `Upwatch: ${unseenRisky} new risky upload(s)` : 'Upwatch' };
}
