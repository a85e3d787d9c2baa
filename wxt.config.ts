import { readFileSync } from 'node:fs';
import { defineConfig } from 'wxt';
import { build as viteBuild } from 'vite';
import { CONTENT_SCRIPTS, CONTENT_SCRIPT_SOURCES } from './src/content/content-scripts';
import { GECKO_ID } from './src/core/extension-ids';
import { LOOPBACK_HTTP_CSP_SOURCES } from './src/core/backend-url';

/** Public half of the key that fixes the Chrome extension ID (CHROME_EXTENSION_ID in src/core/extension-ids.ts). */
const CHROME_PUBLIC_KEY = readFileSync(new URL('./public-key.txt', import.meta.url), 'utf8').trim();

// connect-src allows HTTPS anywhere (the backend is chosen by the admin) and plain HTTP only on
// loopback, so a misconfigured http:// backend fails closed instead of leaking events in clear text.
const EXTENSION_PAGES_CSP = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' compiles the content model's packed WebAssembly only, never strings (docs/permissions.md).
  "script-src 'self' 'wasm-unsafe-eval'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "style-src 'self'",
  // No [::1]: Chromium rejects IPv6 literals in CSP sources (src/core/backend-url.ts, issue 15 item 11).
  `connect-src https: ${LOOPBACK_HTTP_CSP_SOURCES.join(' ')}`,
].join('; ');

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  outDir: '.output',
  zip: {
    artifactTemplate: '{{name}}-{{version}}-{{browser}}.zip',
    sourcesTemplate: '{{name}}-{{version}}-sources.zip',
    excludeSources: ['.env*', '**/*.pem', '**/*.key', 'test/**', 'bench/**', 'demo-output/**', 'data/**', '.ci/**'],
  },
  hooks: {
    // The content scripts are built here, each alone into one minified IIFE (src/content/content-scripts.ts says why).
    'build:publicAssets': async (wxt, files) => {
      for (const [dest, source] of Object.entries(CONTENT_SCRIPT_SOURCES)) {
        const output = (await viteBuild({
          configFile: false,
          logLevel: 'warn',
          root: wxt.config.root,
          define: { 'import.meta.env.FIREFOX': JSON.stringify(wxt.config.browser === 'firefox') },
          build: { write: false, minify: wxt.config.mode === 'production', lib: { entry: source, formats: ['iife'], name: 'upwatch' } },
        })) as { output: { code?: string }[] }[];
        files.push({ relativeDest: dest, contents: output[0]!.output[0]!.code! });
      }
    },
    'build:manifestGenerated': (_wxt, manifest) => {
      manifest.content_scripts = [
        ...CONTENT_SCRIPTS.map((script) => ({ ...script, matches: [...script.matches], js: [...script.js] })),
        ...(manifest.content_scripts ?? []),
      ];
    },
  },
  manifest: ({ browser }) => ({
    name: 'Upwatch',
    description: 'Insider-risk detection for managed browsers: sees files handed to web pages, scores where they go, reports to your security team.',
    // identity + identity.email: the signed-in Chrome profile's email, when policy sets no userEmail.
    // scripting: the observer into subframes on demand (src/content/observer-frames.ts, docs/permissions.md).
    permissions: ['storage', 'alarms', 'downloads', 'idle', 'scripting', ...(browser === 'firefox' ? [] : ['identity', 'identity.email'])],
    host_permissions: ['<all_urls>'],
    content_security_policy: { extension_pages: EXTENSION_PAGES_CSP },
    storage: { managed_schema: 'managed_schema.json' },
    action: { default_title: 'Upwatch' },
    // The response dialog's strings (public/_locales) and the response module, imported by the observer only
    // where files are held (src/content/response/module-loader.ts); the observer's core, imported the first
    // time a frame is handed a file (src/content/observer-api.ts): every frame pays only for the shell.
    default_locale: 'en',
    web_accessible_resources: [{ resources: ['response.js', 'observer-core.js'], matches: ['<all_urls>'] }],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              strict_min_version: '140.0',
              data_collection_permissions: {
                required: ['browsingActivity', 'personallyIdentifyingInfo', 'websiteContent'],
              },
            },
            // data_collection_permissions needs Firefox for Android 142.
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : { key: CHROME_PUBLIC_KEY, minimum_chrome_version: '120' }),
  }),
});
