/** What the options page shows: every policy key's effective value and where it came from. */
import { POLICY_DEFAULTS, POLICY_KEYS, POLICY_SHAPE, SECRET_KEYS } from '../core/schema/policy';
import type { DeliveryState, OptionsState } from '../core/schema/messages';
import type { StateValue } from './db';
import type { EffectiveConfig } from './policy';

const MAX_VALUE_CHARS = 4000;

function display(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

export function optionsState(config: EffectiveConfig, sync: StateValue<'syncedSettings'>, delivery: DeliveryState): OptionsState {
  const keys = POLICY_KEYS.map((key) => {
    const meta = (POLICY_SHAPE[key].meta() ?? {}) as { title?: string; description?: string };
    const source = config.sources[key];
    const value = source === 'default' ? POLICY_DEFAULTS[key] : config.policy[key];
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
      intervalMinutes: config.policy.settingsSyncIntervalMinutes ?? 15,
      ...(sync.lastSuccessAt !== undefined && { lastSuccessAt: sync.lastSuccessAt }),
      ...(sync.lastAttemptAt !== undefined && { lastAttemptAt: sync.lastAttemptAt }),
      ...(sync.lastError !== undefined && { lastError: sync.lastError }),
      watchlists: config.watchlists,
    },
  };
}
