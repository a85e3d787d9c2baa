/**
 * The identifiers the console shares with the extension and the server (src/core/schema/identifiers.ts,
 * docs/architecture.md "Contracts"). The UI imports nothing outside console/ui/src, so it reads the
 * copy that `npx tsx scripts/generate.ts` writes; the drift test fails when the copy is stale.
 */
import type { ApiAnswer } from './api-types';
import generated from './generated/identifiers.json';

/** A severity id as the API types name it; the JSON copy lists the same ids, in rising order. */
export type Severity = ApiAnswer<'/api/v1/alerts'>['alerts'][number]['severity'];

export const SEVERITIES = generated.SEVERITIES as Severity[];
export const { DESTINATION_CATEGORIES, FILE_CATEGORIES, CHANNELS } = generated;
