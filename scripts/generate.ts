/** Writes the generated files that are committed (and drift-tested in test/unit/core/policy.test.ts). */
import { writeFileSync } from 'node:fs';
import { chromeManagedSchema } from '../src/core/schema/managed-schema';
import { renderConsoleApiDoc } from './docs/console-api-doc';
import { renderDestinationsDoc } from './docs/destinations-doc';
import { renderEventSchemaDoc } from './docs/event-schema-doc';
import { renderRiskSettingsDoc } from './docs/risk-settings-doc';

/** Each renderer gives the file's full text; the console API doc is async (it asks a console built on a temp folder). */
export const GENERATED: Record<string, () => string | Promise<string>> = {
  'public/managed_schema.json': () => `${JSON.stringify(chromeManagedSchema(), null, 2)}\n`,
  'docs/destinations.md': renderDestinationsDoc,
  'docs/risk-settings.md': renderRiskSettingsDoc,
  'docs/event-schema.md': renderEventSchemaDoc,
  'docs/console-api.md': renderConsoleApiDoc,
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [path, render] of Object.entries(GENERATED)) {
    writeFileSync(new URL(`../${path}`, import.meta.url), await render());
    console.log(`wrote ${path}`);
  }
}
