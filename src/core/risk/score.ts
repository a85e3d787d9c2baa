/**
 * scoreEvent: the pure heart of the risk engine. Each applicable indicator contributes its
 * configured weight; the sum is the score; the severity follows from the score. Trusted
 * activity scores 0 whatever else is true.
 */
import type { DestinationCategory, FileCategory, IndicatorGroup, Severity, SourceCategory, UserIndicator } from '../schema/identifiers';
import type { RiskIndicator } from '../schema/event';
import type { RiskSettings } from './settings';
import { severityOf } from './severity';
import { CATEGORY_LABELS } from './labels';

export interface ScorableEvent {
  file: {
    name: string;
    category: FileCategory;
    categoryByExtension: FileCategory;
    categoryByContent: FileCategory;
    mimeByContent?: string;
    mismatch: boolean;
  };
  destination: {
    category: DestinationCategory;
    serviceId?: string;
    serviceName?: string;
    domain: string;
    trusted: boolean;
  };
  /** Every source the file was traced to, in the order observed. */
  sources?: readonly { category: SourceCategory; serviceId?: string; serviceName?: string }[];
}

/** What the background knows from history and policy; an absent field means "not known". */
export interface ScoringContext {
  offHours?: boolean;
  /** What decided off_hours: the learned profile, or the policy's working hours while history is short. */
  offHoursBasis?: 'profile' | 'working_hours';
  destinationUse?: 'first' | 'rare' | 'known';
  rareWindowDays?: number;
  remote?: boolean;
  departingWatchlist?: boolean;
  /** User indicators that could not be evaluated, and why (e.g. remote without a known client IP). */
  unevaluated?: readonly UnevaluatedIndicator[];
}

export interface UnevaluatedIndicator {
  id: UserIndicator;
  reason: string;
}

export interface RiskResult {
  indicators: RiskIndicator[];
  score: number;
  severity: Severity;
  trusted: boolean;
  settingsVersion: string;
  /** Every user indicator that applied, whatever its weight: what `rescore` needs to answer "what if". */
  userFacts: UserIndicator[];
  unevaluated: UnevaluatedIndicator[];
}

function destinationLabel(d: ScorableEvent['destination']): string {
  return d.serviceName ?? (d.domain || 'an unidentified destination');
}

const USER_REASONS: Record<UserIndicator, (e: ScorableEvent, c: ScoringContext) => string> = {
  off_hours: (_e, c) =>
    c.offHoursBasis === 'working_hours'
      ? 'Uploaded outside working hours (this user’s own hours are not learned yet)'
      : 'Uploaded outside this user’s usual active hours',
  first_use_of_destination: (e) => `First upload to ${destinationLabel(e.destination)} since monitoring began`,
  rare_use_of_destination: (e, c) => `First upload to ${destinationLabel(e.destination)} in over ${c.rareWindowDays ?? 90} days`,
  remote: () => 'Uploaded from outside the corporate network',
  file_mismatch: (e) =>
    `File named as ${CATEGORY_LABELS.file[e.file.categoryByExtension]} but its content is ${
      e.file.categoryByContent === 'other' && e.file.mimeByContent ? e.file.mimeByContent : CATEGORY_LABELS.file[e.file.categoryByContent]
    }`,
  departing_watchlist: () => 'User is on the departing-employee watchlist',
};

function userIndicatorsApplying(event: ScorableEvent, context: ScoringContext): UserIndicator[] {
  const applying: UserIndicator[] = [];
  if (context.offHours) applying.push('off_hours');
  if (context.destinationUse === 'first') applying.push('first_use_of_destination');
  if (context.destinationUse === 'rare') applying.push('rare_use_of_destination');
  if (context.remote) applying.push('remote');
  if (event.file.mismatch) applying.push('file_mismatch');
  if (context.departingWatchlist) applying.push('departing_watchlist');
  return applying;
}

export function scoreEvent(event: ScorableEvent, settings: RiskSettings, context: ScoringContext = {}): RiskResult {
  const settingsVersion = settings.version;
  const userFacts = userIndicatorsApplying(event, context);
  const unevaluated = [...(context.unevaluated ?? [])];
  if (event.destination.trusted) {
    return { indicators: [], score: 0, severity: 'none', trusted: true, settingsVersion, userFacts, unevaluated };
  }
  const candidates: RiskIndicator[] = [];
  const add = (id: string, group: IndicatorGroup, weight: number, reason: string) => candidates.push({ id, group, weight, reason });

  for (const id of userFacts) {
    add(id, 'user', settings.scores.user[id], USER_REASONS[id](event, context));
  }

  const dest = event.destination;
  const override = dest.serviceId === undefined ? undefined : settings.serviceOverrides[dest.serviceId];
  const destWeight = override ?? settings.scores.destination[dest.category];
  add(dest.category, 'destination', destWeight, destinationReason(dest));

  const source = highestSource(event.sources ?? [], settings);
  if (source) {
    add(
      source.category,
      'source',
      settings.scores.source[source.category],
      `File came from ${source.serviceName ?? CATEGORY_LABELS.source[source.category]} (${CATEGORY_LABELS.source[source.category]})`,
    );
  }

  const fileCategory = event.file.category;
  add(fileCategory, 'file', settings.scores.file[fileCategory], `File is ${CATEGORY_LABELS.file[fileCategory]}`);

  const indicators = candidates.filter((i) => i.weight > 0);
  const score = indicators.reduce((sum, i) => sum + i.weight, 0);
  return { indicators, score, severity: severityOf(score), trusted: false, settingsVersion, userFacts, unevaluated };
}

function destinationReason(dest: ScorableEvent['destination']): string {
  const label = CATEGORY_LABELS.destination[dest.category];
  if (dest.category === 'unknown') return 'Destination could not be identified from the page address';
  if (dest.category === 'other') return `Uploaded to ${dest.domain || 'a web page'}, not a known service`;
  return `Uploaded to ${dest.serviceName ?? dest.domain} (${label})`;
}

/** Only the highest-scoring source counts; ties go to the first observed. */
export function highestSource<S extends { category: SourceCategory }>(sources: readonly S[], settings: RiskSettings): S | undefined {
  let best: S | undefined;
  for (const s of sources) {
    if (!best || settings.scores.source[s.category] > settings.scores.source[best.category]) best = s;
  }
  return best;
}
