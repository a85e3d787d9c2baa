// @vitest-environment node
/**
 * The README is written by hand, so the figures it quotes are checked against the code they come
 * from (the generated docs read them from the code directly: scripts/docs/*).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOX_LIMITS } from '../../src/background/outbox-queue';
import { BUILTIN_CATALOG } from '../../src/core/destinations/catalog';
import { CATEGORY_BY_EXTENSION } from '../../src/core/files/extension-table';
import { SEVERITY_BANDS } from '../../src/core/risk/severity';
import { POLICY_DEFAULTS } from '../../src/core/schema/policy';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

function severityScale(): string {
  return SEVERITY_BANDS.map((band, i) => {
    const from = i === 0 ? 0 : SEVERITY_BANDS[i - 1]!.maxScore + 1;
    const scores = band.maxScore === Infinity ? `${from}+` : band.maxScore === from ? `${from}` : `${from}–${band.maxScore}`;
    return `${scores} ${band.severity}`;
  }).join(', ');
}

describe("the README's figures", () => {
  it.each([
    ['the outbox caps', `capped at ${DEFAULT_OUTBOX_LIMITS.maxEvents.toLocaleString('en-US')} events / ${DEFAULT_OUTBOX_LIMITS.maxBytes / (1024 * 1024)} MiB`],
    ['the extension table', `(${CATEGORY_BY_EXTENSION.size} extensions,`],
    ['the destination catalog', `a catalog of ${BUILTIN_CATALOG.services.length.toLocaleString('en-US')} services`],
    ['the severity scale', severityScale()],
    ['the local retention', `kept \`retentionDays\`, default ${POLICY_DEFAULTS.retentionDays})`],
  ])('%s', (_what, text) => {
    expect(README).toContain(text);
  });
});
