import type { Severity } from '../schema/identifiers';

/**
 * The severity scale (Incydr's): each severity covers the scores up to its `maxScore`, from the one
 * before. docs/risk-settings.md renders its table from this list.
 */
export const SEVERITY_BANDS: readonly { severity: Severity; maxScore: number }[] = [
  { severity: 'none', maxScore: 0 },
  { severity: 'low', maxScore: 3 },
  { severity: 'moderate', maxScore: 6 },
  { severity: 'high', maxScore: 8 },
  { severity: 'critical', maxScore: Infinity },
];

export function severityOf(score: number): Severity {
  for (const band of SEVERITY_BANDS) if (score <= band.maxScore) return band.severity;
  return 'critical';
}
