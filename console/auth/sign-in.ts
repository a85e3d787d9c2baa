/**
 * Everything people sign in with, in one service: accounts, sessions, throttling, OIDC single
 * sign-on when configured, and whether cookies are marked Secure.
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { ConsoleDatabase } from '../db/schema';
import { AccountStore } from './accounts';
import { OidcSettings, OidcSignIn, type OidcSettingsInput } from './oidc';
import { DEFAULT_SESSION_LIMITS, SessionStore, SESSION_COOKIE, cookieHeader, readCookie, type ActiveSession, type SessionLimits } from './sessions';
import { DEFAULT_THROTTLE, SignInThrottle, type ThrottleSettings } from './throttle';

export interface SignInOptions {
  /** Mark cookies Secure even when the request did not come over TLS (TLS ends at a proxy that does not say so). */
  secureCookies?: boolean;
  sessions?: Partial<SessionLimits>;
  throttle?: Partial<ThrottleSettings>;
  /** OIDC single sign-on; absent: local accounts only. */
  oidc?: OidcSettingsInput;
}

export interface ConsoleAuth {
  accounts: AccountStore;
  sessions: SessionStore;
  throttle: SignInThrottle;
  oidc?: OidcSignIn;
  /** Whether a cookie set in answer to this request is Secure. */
  secureCookie(request: FastifyRequest): boolean;
  /** The live session the request's cookie stands for, or undefined. */
  sessionOf(request: FastifyRequest): Promise<ActiveSession | undefined>;
  /** Set-Cookie values that start a session, and that end one. */
  sessionCookie(request: FastifyRequest, value: string): string;
  clearedSessionCookie(request: FastifyRequest): string;
}

export function createConsoleAuth(db: Kysely<ConsoleDatabase>, now: () => number, options: SignInOptions = {}): ConsoleAuth {
  const oidc = options.oidc && new OidcSignIn(OidcSettings.parse(options.oidc), db, now);
  // request.protocol is https when the socket is TLS, or when a trusted proxy says so (X-Forwarded-Proto).
  const secureCookie = (request: FastifyRequest) => options.secureCookies === true || request.protocol === 'https';
  const sessions = new SessionStore(db, now, { ...DEFAULT_SESSION_LIMITS, ...options.sessions });
  return {
    accounts: new AccountStore(db, now),
    sessions,
    throttle: new SignInThrottle(db, now, { ...DEFAULT_THROTTLE, ...options.throttle }),
    ...(oidc && { oidc }),
    secureCookie,
    sessionOf: (request) => sessions.authenticate(readCookie(request.headers.cookie, SESSION_COOKIE)),
    sessionCookie: (request, value) => cookieHeader(SESSION_COOKIE, value, { secure: secureCookie(request) }),
    clearedSessionCookie: (request) => cookieHeader(SESSION_COOKIE, '', { secure: secureCookie(request), maxAgeSeconds: 0 }),
  };
}
