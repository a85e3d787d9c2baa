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
// The one way shared identifiers reach the UI: a generated copy inside console/ui/src, drift-tested.
const UI_BY_HTTP =
  'the console UI reaches the server by its HTTP API, never by import; the identifier lists of src/core/schema/identifiers.ts come from console/ui/src/identifiers.ts (a copy that `npx tsx scripts/generate.ts` writes).';
const CONSOLE_SERVER = { group: ['**/console/*', '**/console/!(ui)/**', '**/src/**'], message: UI_BY_HTTP };
/** The console UI's code is console/ui/src: from a file `depth` folders below it, that many `../` leave it. */
const OUT_OF_UI_SOURCE = (depth) => ({ regex: `^(\\.\\./){${depth}}`, message: UI_BY_HTTP });
const EXTENSION_ONLY = {
  group: ['**/src/background/**', '**/src/content/**', '**/src/ui/**', '**/entrypoints/**'],
  message: 'the console may use src/core only: the rest of src/ is the extension.',
};

const zone = (files, ...groups) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns: groups }] } });

const BROWSER_GLOBALS = ['browser', 'chrome', 'document', 'window', 'navigator', 'indexedDB', 'localStorage', 'fetch'].map((name) => ({
  name,
  message: 'src/core is pure: take this as a parameter from src/background or src/content.',
}));

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
    files: ['{src,entrypoints,console,scripts,test,bench}/**/*.{ts,tsx}', '*.config.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // exactOptionalPropertyTypes is off (docs/architecture.md "Type and style decisions"): `x?: T`
    // already admits undefined, so optional members are written one way. A warning until the last
    // few (in files under other work today) are changed; then an error.
    files: ['**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'warn',
        {
          selector: ':matches(TSPropertySignature, PropertyDefinition)[optional=true] > TSTypeAnnotation > TSUnionType > TSUndefinedKeyword',
          message: 'write `x?: T`: with exactOptionalPropertyTypes off, `| undefined` adds nothing.',
        },
      ],
    },
  },
  // The pure core: no browser, no DOM, no wxt, no storage, no Node, no higher layer.
  zone(['src/core/**/*.{ts,tsx}'], BROWSER_APIS, STORAGE, NODE_BUILTINS, BACKGROUND, CONTENT, UI, ENTRYPOINTS, TOOLING, CONSOLE),
  { files: ['src/core/**/*.{ts,tsx}'], rules: { 'no-restricted-globals': ['error', ...BROWSER_GLOBALS] } },
  zone(['src/background/**/*.{ts,tsx}'], CONTENT, UI, ENTRYPOINTS, TOOLING, CONSOLE),
  zone(['src/content/**/*.{ts,tsx}'], BACKGROUND, UI, ENTRYPOINTS, TOOLING, CONSOLE),
  zone(['src/ui/**/*.{ts,tsx}'], BACKGROUND, CONTENT, ENTRYPOINTS, TOOLING, CONSOLE),
  zone(['entrypoints/**/*.{ts,tsx}'], TOOLING, CONSOLE),
  zone(['console/**/*.{ts,tsx}'], EXTENSION_ONLY, BROWSER_APIS, TOOLING),
  // The console's web interface runs in a browser tab: it talks to the server over HTTP only.
  zone(['console/ui/**/*.{ts,tsx}'], EXTENSION_ONLY, BROWSER_APIS, TOOLING, CONSOLE_SERVER),
  zone(['console/ui/src/*.{ts,tsx}'], EXTENSION_ONLY, BROWSER_APIS, TOOLING, CONSOLE_SERVER, OUT_OF_UI_SOURCE(1)),
  zone(['console/ui/src/*/**/*.{ts,tsx}'], EXTENSION_ONLY, BROWSER_APIS, TOOLING, CONSOLE_SERVER, OUT_OF_UI_SOURCE(2)),
  {
    // Entrypoints wire: logic belongs in src/.
    files: ['entrypoints/**/*.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
);
