/** Signing people in to an in-process console (app.inject) and sending requests as them. */
import type { LightMyRequestResponse } from 'fastify';
import type { AccountRole } from '../../../console/auth/accounts';
import type { TestConsole } from './test-console';

export const PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  email: string;
  /** The session cookie's value. */
  cookie: string;
  csrfToken: string;
  /** Headers of a request this session makes; `csrf: false` leaves the token out. */
  headers(options?: { csrf?: boolean }): Record<string, string>;
}

/** The value a Set-Cookie header of the answer gives a cookie, with its attributes. */
export function setCookie(res: LightMyRequestResponse, name: string): { value: string; attributes: string[] } | undefined {
  const raw = res.headers['set-cookie'];
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const line = all.find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';').map((s) => s.trim());
  return { value: pair!.slice(name.length + 1), attributes };
}

export function signInRequest(built: TestConsole, email: string, password: string, extra: { remoteAddress?: string; headers?: Record<string, string> } = {}) {
  return built.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { email, password },
    headers: extra.headers,
    ...(extra.remoteAddress && { remoteAddress: extra.remoteAddress }),
  });
}

export function sessionFrom(email: string, res: LightMyRequestResponse): SignedIn {
  if (res.statusCode !== 200) throw new Error(`sign-in answered ${res.statusCode}: ${res.body}`);
  const cookie = setCookie(res, 'upwatch_session')!.value;
  const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
  return {
    email,
    cookie,
    csrfToken,
    headers: (options = {}) => ({ cookie: `upwatch_session=${cookie}`, ...(options.csrf !== false && { 'x-csrf-token': csrfToken }) }),
  };
}

/** Creates a local account (unless it exists) and signs it in. */
export async function signedIn(built: TestConsole, email: string, role: AccountRole, password = PASSWORD): Promise<SignedIn> {
  if (!(await built.services.auth.accounts.get(email))) await built.services.auth.accounts.createLocal({ email, role, password }, 'system', 'test');
  return sessionFrom(email, await signInRequest(built, email, password));
}
