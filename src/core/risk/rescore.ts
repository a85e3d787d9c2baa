/**
 * rescore: what stored events would score under other settings: the console's "preview before
 * you change a score". Pure: the events are read, never changed; each keeps the score it got.
 */
import type { FileEvent } from '../schema/event';
import type { Severity } from '../schema/identifiers';
import { scoreEvent, type RiskResult } from './score';
import type { RiskSettings } from './settings';

export interface RescoredEvent {
  id: string;
  before: { score: number; severity: Severity; settingsVersion: string };
  after: RiskResult;
  changed: boolean;
}

export function rescore(events: readonly FileEvent[], settings: RiskSettings): RescoredEvent[] {
  return events.map((event) => {
    const facts = new Set(event.risk.userFacts ?? event.risk.indicators.filter((i) => i.group === 'user').map((i) => i.id));
    const after = scoreEvent({ file: event.file, destination: event.destination, sources: event.sources ?? (event.source ? [event.source] : []) }, settings, {
      offHours: facts.has('off_hours'),
      destinationUse: facts.has('first_use_of_destination') ? 'first' : facts.has('rare_use_of_destination') ? 'rare' : 'known',
      remote: facts.has('remote'),
      departingWatchlist: facts.has('departing_watchlist'),
      rareWindowDays: settings.history.rareWindowDays,
    });
    const before = { score: event.risk.score, severity: event.risk.severity, settingsVersion: event.risk.settingsVersion };
    return { id: event.id, before, after, changed: after.score !== before.score };
  });
}
