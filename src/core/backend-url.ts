/**
 * HTTPS is required for a backend, except on loopback (a local collector or the test console),
 * and this check and the extension pages' connect-src (LOOPBACK_HTTP_CSP_SOURCES, in wxt.config.ts)
 * agree on which loopback addresses: a URL this accepts is never blocked by the CSP.
 *
 * Plain HTTP to the IPv6 loopback literal (`http://[::1]:…`) is refused with a way out: the
 * extension pages' Content-Security-Policy (wxt.config.ts) must list every plain-HTTP origin, and
 * Chromium's CSP parser accepts no IPv6 literal in a host source (`'http://[::1]:*'` "contains an
 * invalid source… It will be ignored", checked in Chromium 156), so such a backend would pass this
 * check and then be blocked on every request (issue 15, item 11). `http://localhost:<port>`, which
 * the CSP allows, reaches a collector listening on ::1.
 */
export function backendUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'backend URL is not a valid URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `backend URL scheme ${url.protocol} is not supported`;
  const host = url.hostname;
  if (host.startsWith('[')) {
    const port = url.port ? `:${url.port}` : '';
    return `plain HTTP to an IPv6 address (${host}) cannot be allowed by the extension's Content-Security-Policy: use http://localhost${port} (it reaches ::1) or https`;
  }
  // The CSP cannot name a range of addresses either: only the two loopback names it lists.
  if (host === 'localhost' || host === '127.0.0.1') return undefined;
  return 'backend URL must use HTTPS (plain HTTP is allowed only on loopback: http://localhost or http://127.0.0.1)';
}

/** The plain-HTTP sources of the extension pages' connect-src: exactly the origins backendUrlProblem accepts over http. */
export const LOOPBACK_HTTP_CSP_SOURCES = ['http://127.0.0.1:*', 'http://localhost:*'] as const;
