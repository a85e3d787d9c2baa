import tseslint from 'typescript-eslint';

// The layers and what each may import: docs/architecture.md "Layers". Each file gets exactly one
// `no-restricted-imports` entry (a later entry for the same files replaces an earlier one), so each
// layer lists every group it may not reach.
const BROWSER_APIS = { group: ['wxt', 'wxt/*', '#imports', '@wxt-dev/*', 'webextension-polyfill'], message: 'no browser APIs here.' };
const NODE_BUILTINS = { group: ['node:*', 'fs', 'path'], message: 'src/core runs in the browser too: no Node built-ins.' };
const STORAGE = { group: ['idb'], message: 'src/core is pure: storage belongs to src/background.' };
const BACKGROUND = { group: ['**/background/**', '**/background'], message: 'the background is reached by messages, never imported.' };
const CONTENT = { group: ['**/content/**', '**/content'], message: 'content scripts run in pages: no other layer imports them.' };
const UI = { group: ['**/ui/**', '**/ui'], message: 'the popup and options views are imported by their entrypoints only.' };
const ENTRYPOINTS = { group: ['**/entrypoints/**', '**/entrypoints'], message: 'entrypoints wire src/; nothing imports them.' };
const TOOLING = {
  group: ['**/test/**', '**/bench/**', '**/scripts/**', 'vitest', 'vitest/*'],
  message: 'shipped code never imports tests, benchmarks or scripts.',
};
const CONSOLE = { group: ['**/console/**', '**/console'], message: 'the console is a separate program: it may import src/core, never the reverse.' };
const EXTENSION_ONLY = {
  group: ['**/src/background/**', '**/src/content/**', '**/src/ui/**', '**/entrypoints/**'],
  message: 'the console may use src/core only: the rest of src/ is the extension.',
};

const zone = (files, ...groups) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns: groups }] } });

const BROWSER_GLOBALS = ['browser', 'chrome', 'document', 'window', 'navigator', 'indexedDB', 'localStorage', 'fetch'].map(
  (name) => ({ name, message: 'src/core is pure: take this as a parameter from src/background or src/content.' }),
);

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'demo-output/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its errors (an unhandled rejection in the
    // service worker, a test that passes before its assertion runs). Deliberate fire-and-forget is
    // marked `void` with the reason beside it.
    files: ['{src,entrypoints,console,scripts,test,bench}/**/*.ts', '*.config.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // The pure core: no browser, no DOM, no wxt, no storage, no Node, no higher layer.
  zone(['src/core/**/*.ts'], BROWSER_APIS, STORAGE, NODE_BUILTINS, BACKGROUND, CONTENT, UI, ENTRYPOINTS, TOOLING, CONSOLE),
  { files: ['src/core/**/*.ts'], rules: { 'no-restricted-globals': ['error', ...BROWSER_GLOBALS] } },
  zone(['src/background/**/*.ts'], CONTENT, UI, ENTRYPOINTS, TOOLING, CONSOLE),
  zone(['src/content/**/*.ts'], BACKGROUND, UI, ENTRYPOINTS, TOOLING, CONSOLE),
  zone(['src/ui/**/*.ts'], BACKGROUND, CONTENT, ENTRYPOINTS, TOOLING, CONSOLE),
  zone(['entrypoints/**/*.ts'], TOOLING, CONSOLE),
  zone(['console/**/*.ts'], EXTENSION_ONLY, BROWSER_APIS, TOOLING),
  {
    // Entrypoints wire: logic belongs in src/.
    files: ['entrypoints/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
);
