// @vitest-environment node
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Lints a snippet as if it were the file at `filePath`: the layer rules key on the path alone, so
// the type-aware rules (which need a real file in the TypeScript project) are switched off here.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });
async function ruleIds(code: string, filePath: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.map((m) => m.ruleId) ?? [];
}
const importing = (source: string) => `import * as m from '${source}';\nexport const x = m;\n`;

describe('the src/core purity rule', () => {
  it.each([
    ["import { browser } from 'wxt/browser';\nexport const x = browser;\n", 'no-restricted-imports'],
    ["import { openDB } from 'idb';\nexport const x = openDB;\n", 'no-restricted-imports'],
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'no-restricted-imports'],
    ['export const x = () => chrome.runtime.id;\n', 'no-restricted-globals'],
    ['export const x = () => document.title;\n', 'no-restricted-globals'],
  ])('rejects %j', async (code, rule) => {
    expect(await ruleIds(code, 'src/core/example.ts')).toContain(rule);
  });

  it('allows the same code outside src/core', async () => {
    expect(await ruleIds('export const x = () => document.title;\n', 'src/ui/example.ts')).toEqual([]);
  });
});

describe('the layer zones (docs/architecture.md "Layers")', () => {
  it.each([
    // core ↛ everything else
    ['src/core/risk/example.ts', '../../background/service'],
    ['src/core/example.ts', '../content/observer'],
    ['src/core/example.ts', '../ui/popup-view'],
    ['src/core/example.ts', '../../entrypoints/background'],
    ['src/core/example.ts', '../../console/server'],
    // background ↛ content, ui
    ['src/background/example.ts', '../content/observer'],
    ['src/background/example.ts', '../ui/popup-view'],
    // content ↛ background and ui
    ['src/content/example.ts', '../background/service'],
    ['src/content/main-world/example.ts', '../../ui/dom'],
    // ui ↛ background, content
    ['src/ui/example.ts', '../background/views'],
    ['src/ui/example.ts', '../content/observer'],
    // src ↛ test, bench, scripts, console, entrypoints
    ['src/background/example.ts', '../../test/harness/paths'],
    ['src/ui/example.ts', '../../bench/lib'],
    ['src/content/example.ts', '../../scripts/generate'],
    ['src/background/example.ts', '../../console/server'],
    ['src/ui/example.ts', '../../entrypoints/popup/main'],
    ['src/background/example.ts', 'vitest'],
    // entrypoints wire src/ only
    ['entrypoints/example.ts', '../console/server'],
    ['entrypoints/popup/example.ts', '../../test/harness/paths'],
    // console ↛ src/background, src/content, src/ui, entrypoints, browser APIs, tooling
    ['console/example.ts', '../src/background/service'],
    ['console/events/example.ts', '../../src/content/observer'],
    ['console/http/example.ts', '../../src/ui/popup-view'],
    ['console/example.ts', '../entrypoints/background'],
    ['console/example.ts', 'wxt/browser'],
    ['console/example.ts', '../test/harness/paths'],
    ['console/example.ts', '../scripts/generate'],
    // the console UI (a browser tab) reaches the server over HTTP, never by import
    ['console/ui/src/example.ts', '../../http/access'],
    ['console/ui/src/pages/example.tsx', '../../../events/search'],
    ['console/ui/src/example.tsx', '../../../src/core/schema/event'],
    ['console/ui/src/pages/example.tsx', '../../../../src/core/schema/identifiers'],
    ['console/ui/src/pages/example.tsx', '../../../../src/background/service'],
  ])('%s may not import %s', async (filePath, source) => {
    expect(await ruleIds(importing(source), filePath)).toContain('no-restricted-imports');
  });

  it.each([
    ['src/background/example.ts', '../core/schema/event'],
    ['src/background/example.ts', 'wxt/browser'],
    ['src/content/example.ts', '../core/schema/messages'],
    ['src/ui/example.ts', '../core/view-models'],
    ['entrypoints/example.ts', '../src/background/service'],
    ['entrypoints/popup/example.ts', '../../src/ui/popup-view'],
    ['console/example.ts', '../src/core/schema/event'],
    ['console/events/example.ts', '../../src/core/risk/settings'],
    ['test/unit/example.ts', '../../src/background/service'],
    ['bench/example.ts', '../console/server'],
    ['scripts/example.ts', '../test/harness/paths'],
    ['console/ui/src/pages/example.tsx', '../api'],
    ['console/ui/src/example.tsx', 'preact/hooks'],
    ['console/ui/src/pages/example.tsx', '../identifiers'],
  ])('%s may import %s', async (filePath, source) => {
    expect(await ruleIds(importing(source), filePath)).not.toContain('no-restricted-imports');
  });

  it('tells the console UI where the shared identifiers are', async () => {
    const [result] = await eslint.lintText(importing('../../../../src/core/schema/identifiers'), { filePath: 'console/ui/src/pages/example.tsx' });
    expect(result?.messages.map((m) => m.message).join('\n')).toContain('console/ui/src/identifiers.ts');
  });
});

describe('optional members', () => {
  it.each([
    ['export interface A {\n  x?: string | undefined;\n}\n', ['no-restricted-syntax']],
    ['export class B {\n  y?: number | undefined;\n}\n', ['no-restricted-syntax']],
    ['export interface A {\n  x?: string;\n  y: string | undefined;\n}\n', []],
  ])('%j', async (code, rules) => {
    expect(await ruleIds(code, 'src/background/example.ts')).toEqual(rules);
  });
});

describe('the type-aware rules', () => {
  // The project service reads the snippet in place of an existing file's text.
  const typed = new ESLint({ cwd: process.cwd() });
  it.each([
    ['src/background/service.ts', 'const f = async () => 1;\nexport function g() {\n  f();\n}\n', '@typescript-eslint/no-floating-promises'],
    [
      'console/server.ts',
      "export function g(el: { on(e: string, h: () => void): void }) {\n  el.on('x', async () => {});\n}\n",
      '@typescript-eslint/no-misused-promises',
    ],
  ])(
    'apply to %s',
    async (filePath, code, rule) => {
      const [result] = await typed.lintText(code, { filePath });
      expect(result?.messages.map((m) => m.ruleId)).toContain(rule);
    },
    60_000,
  );
});
