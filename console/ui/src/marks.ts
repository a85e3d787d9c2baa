/**
 * Performance marks for the moments a person waits for (a page's data on screen), named
 * `upwatch:<what>`: the browser's Performance panel shows them, and bench/console-ui.ts reads them
 * to time a page from navigation start. Called from an effect, which Preact runs after the paint.
 */
export function markRendered(what: string): void {
  performance.mark(`upwatch:${what}`);
}
