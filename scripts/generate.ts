/** Writes the generated files that are committed (and drift-tested): public/managed_schema.json. */
import { writeFileSync } from 'node:fs';
import { chromeManagedSchema } from '../src/core/schema/managed-schema';

export const GENERATED: Record<string, () => string> = {
  'public/managed_schema.json': () => `${JSON.stringify(chromeManagedSchema(), null, 2)}\n`,
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [path, render] of Object.entries(GENERATED)) {
    writeFileSync(new URL(`../${path}`, import.meta.url), render());
    console.log(`wrote ${path}`);
  }
}
