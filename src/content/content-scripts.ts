/**
 * The two content scripts, declared for the manifest (wxt.config.ts adds them and builds them).
 * The MAIN-world hooks run in every frame; the ISOLATED-world observer in the top frame only:
 * creating an ISOLATED world in each of a heavy page's 20 subframes cost ~7 % of its load, the MAIN
 * world nearly nothing (issue 13, Observer v2). Subframes get the observer on demand
 * (src/content/observer-frames.ts), the MAIN world being their front line until then
 * (src/content/main-world/front-line.ts).
 * They are not WXT entrypoints: WXT's content-script wrapper brings webextension-polyfill and a
 * context object that posts a message to the page in every frame, about 15 KB before any of our
 * code, and even an unlisted script carries WXT's start-up wrapper and logger (~0.5 KB). Every
 * byte here is loaded in every frame (issue 13 budget: 10 KB per frame for everything), so each is
 * bundled alone into one minified IIFE from its source in src/content/entries/.
 *
 * The observer is listed first: in the same frame and run_at, scripts run in manifest order, so its
 * capture listeners are on window before the hooks exist (the bridge handshake works either way).
 * It is also the file the background injects into subframes (src/background/platform.ts).
 */
const EVERY_FRAME = {
  matches: ['<all_urls>'],
  all_frames: true,
  // about:blank, srcdoc and blob: frames take their creator's origin.
  match_about_blank: true,
  match_origin_as_fallback: true,
  run_at: 'document_start',
} as const;

export const CONTENT_SCRIPTS = [
  { ...EVERY_FRAME, all_frames: false, js: ['upload-observer.js'], world: 'ISOLATED' },
  { ...EVERY_FRAME, js: ['upload-hooks.js'], world: 'MAIN' },
] as const;

/** Where each content script is built from (relative to the project root). */
export const CONTENT_SCRIPT_SOURCES: Record<(typeof CONTENT_SCRIPTS)[number]['js'][number], string> = {
  'upload-observer.js': 'src/content/entries/upload-observer.ts',
  'upload-hooks.js': 'src/content/entries/upload-hooks.ts',
};
