/**
 * The managed policy an admin pushes through Chrome/Edge/Firefox enterprise policy (and, for the
 * keys that make sense, the settings a backend syncs). Every key has a title and a description:
 * public/managed_schema.json is generated from this file.
 */
import { z } from 'zod';
import { CustomDestinations } from '../destinations/catalog';
import { parseResponseRules, RESPONSE_RULES_KEY } from '../response/parse-rules';
import { RiskSettingsOverrides } from '../risk/overrides';
import { BackendFormat, Severity } from './identifiers';
import type { PolicyError } from './policy-error';
import { RESPONSE_RULES_MAX, ResponseFailureMode, ResponseRule } from './response';

/** A user name or password in the URL: fetch refuses to send such a request, so every one would fail as "unreachable". */
function hasCredentials(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.username !== '' || url.password !== '';
  } catch {
    return false; // not a URL at all: z.url says so
  }
}

const HttpUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.hostname })
  .max(2048)
  .refine((raw) => !hasCredentials(raw), {
    message: 'must not contain a user name or password (browsers refuse to send it): put the credential in the token key',
  });

export const POLICY_SHAPE = {
  backendUrl: HttpUrl.meta({
    title: 'Backend URL',
    description: 'Where events are sent (POST). HTTPS is required except for loopback addresses. Unset: events are kept locally only.',
  }),
  backendToken: z.string().min(1).max(4096).meta({
    title: 'Backend token',
    description: 'Credential sent with every batch (Authorization: Bearer for the native format). Never logged or shown.',
  }),
  backendFormat: BackendFormat.meta({
    title: 'Backend format',
    description: 'Wire format of forwarded events: native, splunk_hec, xsoar, elastic or ocsf. Default native.',
  }),
  backendBatchMaxEvents: z.number().int().min(1).max(10_000).meta({
    title: 'Batch size (events)',
    description: 'At most this many events per request to the backend. Default 200.',
  }),
  backendBatchMaxBytes: z.number().int().min(16_384).max(20_971_520).meta({
    title: 'Batch size (bytes)',
    description: 'At most this many bytes per request body before compression (16 KiB to 20 MiB). Default 1 MiB.',
  }),
  userEmail: z.email().max(320).meta({
    title: 'User email',
    description: 'The identity recorded on every event. Usually set per user by the management tool.',
  }),
  departingWatchlist: z.boolean().meta({
    title: 'Departing-employee watchlist',
    description: 'True when this user is on the departing-employee watchlist (adds the departing_watchlist indicator).',
  }),
  trustedDomains: z.array(z.string().min(1).max(2048)).max(5000).meta({
    title: 'Trusted domains and URL prefixes',
    description: 'Uploads to these score 0: a domain ("acme.com" also covers its subdomains) or a URL prefix ("github.com/acme-corp/").',
  }),
  inNetworkCidrs: z.array(z.string().min(1).max(64)).max(1000).meta({
    title: 'In-network CIDRs',
    description: 'Client IP ranges (IPv4 and IPv6 CIDR) that count as the corporate network, for the remote indicator.',
  }),
  settingsSyncUrl: HttpUrl.meta({
    title: 'Settings sync URL',
    description: 'Risk settings and other policy values are fetched from here (GET with If-None-Match).',
  }),
  settingsSyncToken: z.string().min(1).max(4096).meta({
    title: 'Settings sync token',
    description: 'Bearer credential for the settings sync URL. Default: the backend token. Never logged or shown.',
  }),
  settingsSyncIntervalMinutes: z.number().int().min(1).max(60).meta({
    title: 'Settings sync interval (minutes)',
    description: 'How often settings are synced, 1 to 60. Default 15.',
  }),
  riskSettings: RiskSettingsOverrides.meta({
    title: 'Risk settings',
    description: 'Scores (0-10) that override the recommended defaults, by indicator group, plus per-service overrides.',
  }),
  customDestinations: CustomDestinations.meta({
    title: 'Custom destinations',
    description:
      'Services added to the built-in destination catalog ({id, name, category, hosts, titles?, sourceCategory?}), or changes to a built-in service given by its id (e.g. {"id": "slack", "category": "other"}).',
  }),
  minimumSeverityToForward: Severity.meta({
    title: 'Minimum severity to forward',
    description: 'Events below this severity stay local. Default none (forward everything).',
  }),
  keepUrlQuery: z.boolean().meta({
    title: 'Keep URL query strings',
    description: 'Keep the query string and fragment of destination URLs in events. Default false (removed for privacy).',
  }),
  retentionDays: z.number().int().min(1).max(365).meta({
    title: 'Local retention (days)',
    description: 'How long events are kept in the browser. Default 30.',
  }),
  programmaticMinBytes: z.number().int().min(65_536).max(1_073_741_824).meta({
    title: 'Smallest unnamed upload by script (bytes)',
    description:
      'A Blob or ArrayBuffer with no file name sent by a page script (fetch, XMLHttpRequest, sendBeacon, WebSocket) is an upload event only from this size, so analytics beacons and small posts never become events. Named files sent by script are always events. 64 KiB to 1 GiB. Default 1 MiB.',
  }),
  showEventList: z.boolean().meta({
    title: 'Show the event list to the user',
    description: 'Whether the popup lists recent risky uploads to the person using the browser. Default true.',
  }),
  responseRules: z.array(ResponseRule).max(RESPONSE_RULES_MAX).meta({
    title: 'Response rules',
    description:
      'What happens to an upload before the page gets the file: an ordered list, first match wins, of {id, when: {minSeverity, destinationCategories, serviceIds, fileCategories, indicators, channels, watchlists}, action: allow|notify|warn|block, message (plain text, at most 300 characters), learnMoreUrl (https), justification: none|optional|required, temporaryAllowMinutes}. Validated rule by rule: a bad rule is reported and left out. Default none (monitor only). See docs/response.md.',
  }),
  responseFailureMode: ResponseFailureMode.meta({
    title: 'Response failure mode',
    description:
      'What happens to a held upload when no decision arrives in time (the background is asleep or busy): allow or block. Default allow. The event records it.',
  }),
} as const;

export type PolicyKey = keyof typeof POLICY_SHAPE;
export const POLICY_KEYS = Object.keys(POLICY_SHAPE) as PolicyKey[];

export const Policy = z.object(POLICY_SHAPE).partial();
export type Policy = z.infer<typeof Policy>;

export { PolicyError } from './policy-error';

/** Keys whose values are credentials: never shown, never logged. */
export const SECRET_KEYS: ReadonlySet<PolicyKey> = new Set(['backendToken', 'settingsSyncToken']);

/**
 * Keys a settings backend may set. Where events go and where settings come from stay with the
 * managed policy: a compromised sync endpoint must not be able to redirect either.
 */
export const SYNCABLE_KEYS: ReadonlySet<PolicyKey> = new Set(
  POLICY_KEYS.filter((k) => !['backendUrl', 'backendToken', 'settingsSyncUrl', 'settingsSyncToken', 'settingsSyncIntervalMinutes'].includes(k)),
);

/**
 * The keys of a synced settings document that only the managed policy may set, one error each.
 * The one check for both sides: the extension drops these keys, the console refuses to store them.
 */
export function unsyncableKeyErrors(settings: Readonly<Record<string, unknown>>): PolicyError[] {
  return Object.keys(settings)
    .filter((key) => !SYNCABLE_KEYS.has(key as PolicyKey))
    .map((key) => ({ key, message: 'only the managed policy may set this key' }));
}

/**
 * The value in force when neither the managed policy nor sync sets a key (a key not listed stays
 * unset). Applied once, when the effective configuration is built (core/effective-config.ts).
 */
export const POLICY_DEFAULTS = {
  backendFormat: 'native',
  backendBatchMaxEvents: 200,
  backendBatchMaxBytes: 1_048_576,
  departingWatchlist: false,
  trustedDomains: [],
  inNetworkCidrs: [],
  settingsSyncIntervalMinutes: 15,
  customDestinations: [],
  minimumSeverityToForward: 'none',
  keepUrlQuery: false,
  retentionDays: 30,
  programmaticMinBytes: 1_048_576,
  showEventList: true,
  responseRules: [],
  responseFailureMode: 'allow',
} satisfies { [K in PolicyKey]?: Policy[K] };

export interface ParsedPolicy {
  policy: Policy;
  errors: PolicyError[];
  ignoredKeys: string[];
}

/**
 * Validates a raw policy key by key: a bad key is reported and left out, the good ones stand.
 * `responseRules` is validated rule by rule (core/response/parse-rules.ts), a bad rule falling back
 * to its version in `lastGood` when there is one. Never throws, whatever it is given.
 */
export function parsePolicy(raw: unknown, lastGood: Policy = {}): ParsedPolicy {
  const result: ParsedPolicy = { policy: {}, errors: [], ignoredKeys: [] };
  if (raw === undefined || raw === null) return result;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    result.errors.push({ key: '(policy)', message: 'policy is not an object' });
    return result;
  }
  const policy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!Object.hasOwn(POLICY_SHAPE, key)) {
      result.ignoredKeys.push(key);
      continue;
    }
    if (key === RESPONSE_RULES_KEY) {
      const rules = parseResponseRules(value, lastGood.responseRules);
      if (rules.rules) policy[key] = rules.rules;
      result.errors.push(...rules.errors);
      continue;
    }
    const parsed = POLICY_SHAPE[key as PolicyKey].safeParse(value);
    if (parsed.success) policy[key] = parsed.data;
    else result.errors.push({ key, message: z.prettifyError(parsed.error).slice(0, 500) });
  }
  result.policy = policy as Policy;
  return result;
}
