import type { Severity } from '../schema/identifiers';

/** DESIGN.md: 0 → none, 1–3 → low, 4–6 → moderate, 7–8 → high, 9+ → critical. */
export function severityOf(score: number): Severity {
  if (score <= 0) return 'none';
  if (score <= 3) return 'low';
  if (score <= 6) return 'moderate';
  if (score <= 8) return 'high';
  return 'critical';
}
