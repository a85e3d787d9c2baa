// @vitest-environment node
// Issue 15, item 11: the backend URL check and the extension pages' CSP agree.
import { describe, expect, it } from 'vitest';
import { LOOPBACK_HTTP_CSP_SOURCES, backendUrlProblem } from '../../../src/core/backend-url';
import config from '../../../wxt.config';

/**
 * A CSP host-source as Chromium parses it (CSP3 "host-source": scheme, host made of labels of
 * ALPHA / DIGIT / "-" with an optional leading "*.", optional port or "*"); Chromium ignores any
 * other source, IPv6 literals included.
 */
const HOST_SOURCE = /^(?<scheme>[a-z][a-z0-9+.-]*):\/\/(?<host>\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?<port>\d+|\*))?$/i;

function sourceAllows(source: string, url: URL): boolean {
  const m = HOST_SOURCE.exec(source);
  if (!m?.groups) return false;
  const { scheme, host, port } = m.groups;
  const defaultPort = url.protocol === 'http:' ? '80' : '443';
  return `${scheme}:` === url.protocol && host === url.hostname && (port === '*' || (port ?? defaultPort) === (url.port || defaultPort));
}

function connectSources(browser: 'chrome' | 'firefox'): string[] {
  const manifest = (config.manifest as (env: { browser: string; manifestVersion: number; mode: string; command: string }) => Record<string, unknown>)({
    browser,
    manifestVersion: 3,
    mode: 'production',
    command: 'build',
  });
  const csp = (manifest.content_security_policy as { extension_pages: string }).extension_pages;
  const connect = csp.split(';').find((d) => d.trim().startsWith('connect-src'));
  return connect!.trim().split(/\s+/).slice(1);
}

describe('backendUrlProblem', () => {
  it.each([
    ['https://upwatch.acme.com/api/v1/events', undefined],
    ['https://[::1]:8443/api/v1/events', undefined],
    ['http://127.0.0.1:8787/api/v1/events', undefined],
    ['http://localhost:9000/x', undefined],
    ['http://LOCALHOST:9000/x', undefined],
    ['http://[::1]:9000/x', /use http:\/\/localhost:9000 \(it reaches ::1\)/],
    ['http://[0:0:0:0:0:0:0:1]/x', /IPv6 address \(\[::1\]\).*http:\/\/localhost /],
    ['http://127.1.2.3/x', /only on loopback: http:\/\/localhost or http:\/\/127\.0\.0\.1/],
    ['http://collector.acme.com/x', /HTTPS/],
    ['http://localhost.evil.example/x', /HTTPS/],
    ['http://10.0.0.5/x', /HTTPS/],
    ['ftp://acme.com/x', /not supported/],
    ['not a url', /not a valid URL/],
  ])('%s', (url, problem) => {
    const result = backendUrlProblem(url);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });
});

describe("the extension pages' connect-src", () => {
  it.each(['chrome', 'firefox'] as const)('%s: every source is one Chromium accepts', (browser) => {
    const sources = connectSources(browser);
    expect(sources).toEqual(['https:', ...LOOPBACK_HTTP_CSP_SOURCES]);
    for (const source of sources.slice(1)) expect(source, source).toMatch(HOST_SOURCE);
  });

  it('allows every plain-HTTP backend the URL check accepts, and the check refuses what it blocks', () => {
    const sources = connectSources('chrome');
    const candidates = [
      'http://127.0.0.1:8787/api/v1/events',
      'http://localhost:9000/x',
      'http://localhost/x',
      'http://[::1]:9000/x',
      'http://127.0.0.2:9000/x',
      'http://localhost.:9000/x',
      'http://0.0.0.0:9000/x',
    ];
    for (const raw of candidates) {
      const allowed = sources.some((s) => sourceAllows(s, new URL(raw)));
      expect(backendUrlProblem(raw) === undefined, raw).toBe(allowed);
    }
  });
});
