/**
 * The identifiers the console shares with the extension and the server (src/core/schema/identifiers.ts,
 * docs/architecture.md "Contracts"). The UI imports nothing outside console/ui/src, so it reads the
 * copy that `npx tsx scripts/generate.ts` writes; the drift test fails when the copy is stale.
 */
import generated from './generated/identifiers.json';

export const { SEVERITIES, DESTINATION_CATEGORIES, FILE_CATEGORIES, CHANNELS } = generated;
