/** Writes the generated files that are committed (and drift-tested in test/unit/core/policy.test.ts). */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import * as identifiers from '../src/core/schema/identifiers';
import { chromeManagedSchema } from '../src/core/schema/managed-schema';
import { renderConsoleApiDoc } from './docs/console-api-doc';
import { renderDestinationsDoc } from './docs/destinations-doc';
import { renderEventSchemaDoc } from './docs/event-schema-doc';
import { renderRiskSettingsDoc } from './docs/risk-settings-doc';

/**
 * The identifier lists (every exported array of src/core/schema/identifiers.ts) for the console UI,
 * which imports nothing outside console/ui/src (its lint zone): it reads them from this copy, and
 * the drift test keeps the copy equal to the source. JSON, so the UI's bundle gets no zod.
 */
const UI_IDENTIFIERS = 'console/ui/src/generated/identifiers.json';
async function uiIdentifiers(): Promise<string> {
  // Sorted by name: a module namespace's key order differs between tsx and vitest.
  const lists = Object.fromEntries(
    Object.entries(identifiers)
      .filter(([, v]) => Array.isArray(v))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  // Laid out as Prettier lays out JSON, so `npm run check`'s format check passes on the written file.
  return format(JSON.stringify(lists), { ...(await resolveConfig(UI_IDENTIFIERS)), parser: 'json' });
}

/** Each renderer gives the file's full text; the console API doc is async (it asks a console built on a temp folder). */
export const GENERATED: Record<string, () => string | Promise<string>> = {
  'public/managed_schema.json': () => `${JSON.stringify(chromeManagedSchema(), null, 2)}\n`,
  'docs/destinations.md': renderDestinationsDoc,
  'docs/risk-settings.md': renderRiskSettingsDoc,
  'docs/event-schema.md': renderEventSchemaDoc,
  'docs/console-api.md': renderConsoleApiDoc,
  [UI_IDENTIFIERS]: uiIdentifiers,
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [path, render] of Object.entries(GENERATED)) {
    writeFileSync(new URL(`../${path}`, import.meta.url), await render());
    console.log(`wrote ${path}`);
  }
}
