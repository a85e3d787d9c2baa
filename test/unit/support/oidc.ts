/**
 * A local OpenID Connect provider for tests (the `oidc-provider` package on 127.0.0.1, a random
 * port, its development sign-in and consent forms) and a tiny browser: fetch with redirects
 * followed by hand, a cookie jar per origin, and HTML forms submitted as a person would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'upwatch-console';
export const CLIENT_SECRET = 'a-client-secret-for-tests-only-0123456789';

/** The people the provider knows: login name → their claims. Tests may change them between sign-ins. */
export type People = Record<string, Record<string, unknown>>;

export interface LocalProvider {
  issuer: string;
  people: People;
  close(): Promise<void>;
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A free port on 127.0.0.1 (asked of the system, then released), for a server whose URL must be known first. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startOidcProvider(redirectUri: string, people: People): Promise<LocalProvider> {
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] },
    ],
    findAccount: (_ctx: unknown, id: string) => (people[id] ? { accountId: id, claims: () => ({ sub: id, ...people[id] }) } : undefined),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['a-cookie-signing-key-for-tests'] },
    pkce: { required: () => true },
    // Lifetimes given, so the provider prints no notice about its defaults.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    people,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Cookies per origin; a path is ignored (every cookie of an origin is sent), which the tests do not rely on. */
export class Browser {
  readonly jar = new Map<string, Map<string, string>>();
  /** Every URL requested, in order. */
  readonly visited: string[] = [];
  /** Every Set-Cookie line received, in order, with its attributes. */
  readonly setCookies: string[] = [];

  cookies(origin: string): Map<string, string> {
    let cookies = this.jar.get(origin);
    if (!cookies) this.jar.set(origin, (cookies = new Map()));
    return cookies;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = this.cookies(target.origin);
    const headers: Record<string, string> = {};
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    this.visited.push(url);
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.form && { body: new URLSearchParams(init.form).toString() }),
    });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects from `url`; on a page with a form, fills `fields` (by input name) over the
   * form's own hidden values and submits it. Stops when `done(url)` says so, answering that URL.
   */
  async navigate(url: string, fields: Record<string, string>, done: (url: URL) => boolean): Promise<URL> {
    let next: { url: string; form?: Record<string, string> } = { url };
    for (let step = 0; step < 20; step++) {
      const at = new URL(next.url);
      if (done(at)) return at;
      const res = await this.request(next.url, next.form ? { method: 'POST', form: next.form } : {});
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        next = { url: new URL(location, at).href };
        continue;
      }
      const html = await res.text();
      const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
      if (!form) throw new Error(`no redirect and no form at ${at.href} (${res.status}): ${html.slice(0, 300)}`);
      const values: Record<string, string> = {};
      for (const input of form[2]!.matchAll(/<input[^>]*>/gi)) {
        const name = /name="([^"]*)"/.exec(input[0])?.[1];
        if (name) values[name] = fields[name] ?? /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
      }
      next = { url: new URL(form[1]!.replace(/&amp;/g, '&'), at).href, form: values };
    }
    throw new Error(`more than 20 steps from ${url}`);
  }
}
