/**
 * Cross-site request forgery protection for requests a session cookie authenticates: the
 * synchronizer token pattern (OWASP CSRF cheat sheet). Each session has a random token, given to the
 * page with the session (GET/POST /api/v1/session) and never in a cookie; every change the cookie
 * authenticates must carry it in X-CSRF-Token. Another site can make a browser send the cookie but
 * cannot read the token. A request with a bearer credential needs none: a browser never attaches
 * an Authorization header on its own.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a method may change state, so a cookie-authenticated request needs the token. */
export function changesState(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Constant-time comparison of the session's token and the header's value (of any length). */
export function csrfTokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) return false;
  // Equal-length digests, so the comparison takes as long whatever the header holds.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}
