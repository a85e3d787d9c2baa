/** Renders docs/risk-settings.md from the risk settings schema and its defaults (generated; drift-tested). */
import { ACTIVITY_PERIOD_MINUTES } from '../../src/background/activity-sampler';
import { DOWNLOAD_RETENTION_MS } from '../../src/background/history';
import { CATEGORY_LABELS } from '../../src/core/risk/labels';
import { DEFAULT_RISK_SETTINGS, RECOMMENDED_SCORES, SCORE_RANGE } from '../../src/core/risk/settings';
import { SEVERITY_BANDS } from '../../src/core/risk/severity';
import { USER_INDICATORS, type UserIndicator } from '../../src/core/schema/identifiers';

const DAY_MS = 86_400_000;

const USER_MEANING: Record<UserIndicator, string> = {
  off_hours:
    `Outside this user’s usual active hours, learned per browser from activity (idle state sampled every ${ACTIVITY_PERIOD_MINUTES} minutes) and uploads; ` +
    'until `profileMinDays` days of history exist, outside the working hours below.',
  first_use_of_destination:
    'First upload by this user to this destination (service, else registrable domain) since monitoring began; every upload to it within `groupingWindowMinutes` of the first carries it too.',
  rare_use_of_destination: 'Destination used before, but not in the last `rareWindowDays` days; a burst within the grouping window carries it too.',
  remote:
    'The client IP the backend reported is outside the policy’s `inNetworkCidrs` (IPv4 and IPv6). An unknown IP does not apply it, and the event says so in `risk.unevaluated`.',
  file_mismatch: 'The extension’s category disagrees with the content’s category in a way that hides data (source code named .jpg, an .exe named .txt).',
  departing_watchlist: 'The user is on the departing-employee watchlist (policy `departingWatchlist`).',
};

const HISTORY_MEANING: Record<string, string> = {
  groupingWindowMinutes: 'Uploads to a new (or rarely used) destination within this many minutes of the first all carry first (or rare) use.',
  rareWindowDays: 'A destination not used for this many days is rare again.',
  profileMinDays: 'Days of observed activity before the learned profile replaces the working hours for `off_hours`.',
  workingHours:
    '`off_hours` until the profile is ready: ISO weekdays (1 Monday … 7 Sunday) and local `HH:MM` start and end (a shift may cross midnight; the same start and end is the whole day).',
};

/** `0`, `1–3`, `9 and more`: the scores each severity covers. */
function severityRows(): string[] {
  return SEVERITY_BANDS.map((band, i) => {
    const from = i === 0 ? 0 : SEVERITY_BANDS[i - 1]!.maxScore + 1;
    const scores = band.maxScore === Infinity ? `${from} and more` : band.maxScore === from ? `${from}` : `${from}–${band.maxScore}`;
    return `| ${scores} | \`${band.severity}\` |`;
  });
}

function table(group: keyof typeof RECOMMENDED_SCORES, label: (id: string) => string): string {
  const rows = Object.entries(RECOMMENDED_SCORES[group]).map(([id, score]) => `| \`${id}\` | ${label(id)} | ${score} |`);
  return ['| indicator | meaning | recommended score |', '|---|---|---|', ...rows].join('\n');
}

export function renderRiskSettingsDoc(): string {
  const labels = CATEGORY_LABELS as Record<string, Record<string, string>>;
  const history = DEFAULT_RISK_SETTINGS.history;
  const historyRows = Object.entries(history).map(([key, value]) => `| \`${key}\` | ${HISTORY_MEANING[key] ?? ''} | \`${JSON.stringify(value)}\` |`);
  return `# Risk settings

<!-- Generated from src/core/risk/settings.ts by \`npx tsx scripts/generate.ts\`; a unit test fails when this file drifts. Do not edit by hand. -->

Every file event gets **user**, **destination**, **source** and **file** indicators. The scores of the
indicators that apply add up to the event's score, and the score gives the severity:

| score | severity |
|---|---|
${severityRows().join('\n')}

Trusted activity (the policy's \`trustedDomains\`) scores 0 whatever else is true. Only the
highest-scoring source counts (ties go to the first observed); every source stays in the event.
Every score is an admin setting from ${SCORE_RANGE.min} to ${SCORE_RANGE.max}; the defaults below are the recommended ones (Incydr's
model). An indicator scored 0 is not shown, but stays in \`risk.userFacts\` so a preview can rescore it.

A change applies to later events only: each stored event keeps the score it got and the
\`settingsVersion\` it was scored with. \`rescore(events, settings)\` in \`src/core/risk/rescore.ts\`
previews what stored events would score under new settings without changing them.

## User indicators

${table('user', (id) => USER_MEANING[id as UserIndicator])}

## Destination indicators (one per destination category)

${table('destination', (id) => labels.destination![id]!)}

Per-service overrides (\`serviceOverrides\`) replace the category score for one catalog service id,
e.g. \`{ "box": 0 }\` for a sanctioned Box tenant, \`{ "wetransfer": 8 }\`.

## Source indicators (one per source category)

${table('source', (id) => labels.source![id]!)}

## File indicators (one per file category)

${table('file', (id) => labels.file![id]!)}

## History

| setting | meaning | default |
|---|---|---|
${historyRows.join('\n')}

## Changing the settings

Push overrides with the policy key \`riskSettings\` (only the values given change), for example:

\`\`\`json
{
  "riskSettings": {
    "version": "acme-2026-11",
    "scores": { "user": { "off_hours": 2 }, "destination": { "ai_tools": 7 }, "file": { "image": 1 } },
    "serviceOverrides": { "box": 0 },
    "history": { "rareWindowDays": 60, "workingHours": { "days": [1, 2, 3, 4, 5], "start": "07:00", "end": "19:00" } }
  }
}
\`\`\`

Give every change a new \`version\`: events record it, so a backend can tell which settings scored them.
The user indicators ${USER_INDICATORS.map((u) => `\`${u}\``).join(', ')} need the history kept on the device
(IndexedDB): destination use, the activity profile, and downloads (file name, size, addresses; ${DOWNLOAD_RETENTION_MS / DAY_MS} days).
`;
}
