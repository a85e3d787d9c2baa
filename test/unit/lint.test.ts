// @vitest-environment node
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('the src/core purity rule', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  it.each([
    ["import { browser } from 'wxt/browser';\nexport const x = browser;\n", 'no-restricted-imports'],
    ["import { openDB } from 'idb';\nexport const x = openDB;\n", 'no-restricted-imports'],
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'no-restricted-imports'],
    ['export const x = () => chrome.runtime.id;\n', 'no-restricted-globals'],
    ['export const x = () => document.title;\n', 'no-restricted-globals'],
  ])('rejects %j', async (code, rule) => {
    const [result] = await eslint.lintText(code, { filePath: 'src/core/example.ts' });
    expect(result?.messages.map((m) => m.ruleId)).toContain(rule);
  });

  it('allows the same code outside src/core', async () => {
    const [result] = await eslint.lintText('export const x = () => document.title;\n', { filePath: 'src/ui/example.ts' });
    expect(result?.messages).toEqual([]);
  });
});
