import tseslint from 'typescript-eslint';

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
    // The pure core: no browser, no DOM, no wxt, no higher layer (DESIGN.md "Layout").
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['wxt', 'wxt/*', '#imports', '@wxt-dev/*', 'webextension-polyfill'], message: 'src/core is pure: no browser APIs.' },
            { group: ['**/background/**', '**/content/**', '**/ui/**', '**/entrypoints/**', 'idb'], message: 'src/core may not import higher layers.' },
            { group: ['node:*', 'fs', 'path'], message: 'src/core runs in the browser too: no Node built-ins.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...BROWSER_GLOBALS],
    },
  },
  {
    // Entrypoints wire: logic belongs in src/.
    files: ['entrypoints/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
);
