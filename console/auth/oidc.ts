/**
 * OpenID Connect single sign-on with `openid-client` (certified relying party): the authorization
 * code flow with PKCE (S256), state and nonce, the client authenticated with client_secret_basic.
 * The state, nonce and code verifier stay in the database between the redirect and the return,
 * keyed by a random value in a short-lived cookie of the browser that left, and are used once.
 *
 * The person's role comes from a claim of the ID token or, when the ID token lacks it, of the
 * UserInfo answer (`groups` by default), through a map from claim values to roles; the strongest
 * match wins. No match is refused by default: a person the identity provider knows is not for that
 * reason allowed to read insider-risk data about colleagues.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import { z } from 'zod';
import type { ConsoleDatabase } from '../db/schema';
import { AccountEmail, AccountRole, type OidcIdentity } from './accounts';
import { PEOPLE_ROLES } from './roles';

export const OIDC_BROWSER_COOKIE = 'upwatch_oidc';
/** How long a person may spend at the identity provider before the return is refused. */
export const OIDC_SIGN_IN_TTL_MS = 10 * 60_000;
/** Sign-ins under way at once; beyond it new ones are refused (each keeps a row until it ends or expires). */
const MAX_PENDING = 10_000;

export const DEFAULT_ROLE_MAP: Readonly<Record<string, AccountRole>> = {
  'upwatch-admin': 'admin',
  'upwatch-analyst': 'analyst',
  'upwatch-read-only': 'read_only',
};

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const httpsOrLoopback = (url: string) => {
  const u = new URL(url);
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.test(u.hostname));
};

export const OidcSettings = z.object({
  issuer: z.url().refine(httpsOrLoopback, 'the issuer must be https (http only on a loopback address, for tests)'),
  clientId: z.string().min(1).max(256),
  clientSecret: z.string().min(1).max(4096),
  /** This console's callback as registered at the provider: https://<console>/auth/oidc/callback */
  redirectUrl: z.url().refine((u) => new URL(u).pathname === '/auth/oidc/callback', 'the redirect URL ends in /auth/oidc/callback'),
  scopes: z.string().max(500).default('openid email profile'),
  roleClaim: z.string().min(1).max(100).default('groups'),
  roleMap: z.record(z.string().max(256), AccountRole).default({ ...DEFAULT_ROLE_MAP }),
  /** The role of a person no claim value maps, or `deny` (the default) to refuse them. */
  defaultRole: z.union([AccountRole, z.literal('deny')]).default('deny'),
});
export type OidcSettings = z.infer<typeof OidcSettings>;
export type OidcSettingsInput = z.input<typeof OidcSettings>;

export type OidcFailure = 'expired' | 'denied' | 'invalid' | 'no_email' | 'no_role' | 'unavailable';

export class OidcError extends Error {
  constructor(
    readonly code: OidcFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The strongest role any value of the claim maps to; the default role (or undefined: deny) otherwise. */
export function mapRole(claim: unknown, settings: Pick<OidcSettings, 'roleMap' | 'defaultRole'>): AccountRole | undefined {
  const values = Array.isArray(claim) ? claim : [claim];
  let best = -1;
  for (const value of values) {
    if (typeof value !== 'string' || !Object.hasOwn(settings.roleMap, value)) continue;
    best = Math.max(best, PEOPLE_ROLES.indexOf(settings.roleMap[value]!));
  }
  if (best >= 0) return PEOPLE_ROLES[best];
  return settings.defaultRole === 'deny' ? undefined : settings.defaultRole;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export class OidcSignIn {
  #configuration: Promise<client.Configuration> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly db: Kysely<ConsoleDatabase>,
    private readonly now: () => number,
  ) {}

  /** Discovery once, at the first sign-in (the console starts while the provider is down); retried after a failure. */
  #discover(): Promise<client.Configuration> {
    this.#configuration ??= client
      .discovery(new URL(this.settings.issuer), this.settings.clientId, undefined, client.ClientSecretBasic(this.settings.clientSecret), {
        timeout: 10,
        ...(new URL(this.settings.issuer).protocol === 'http:' && { execute: [client.allowInsecureRequests] }),
      })
      .catch((err: unknown) => {
        this.#configuration = undefined;
        throw new OidcError('unavailable', `the identity provider could not be reached: ${err instanceof Error ? err.message : String(err)}`);
      });
    return this.#configuration;
  }

  /** Where to send the browser, and the value for its OIDC cookie. */
  async begin(): Promise<{ url: string; browserValue: string }> {
    const configuration = await this.#discover();
    const now = this.now();
    await this.db
      .deleteFrom('oidc_sign_ins')
      .where('created_at', '<', now - OIDC_SIGN_IN_TTL_MS)
      .execute();
    const pending = await this.db.selectFrom('oidc_sign_ins').select('browser_hash').limit(MAX_PENDING).execute();
    if (pending.length >= MAX_PENDING) throw new OidcError('unavailable', 'too many sign-ins under way: try again in a few minutes');
    const browserValue = randomBytes(32).toString('base64url');
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    await this.db
      .insertInto('oidc_sign_ins')
      .values({ browser_hash: sha256(browserValue), state, nonce, code_verifier: verifier, created_at: now })
      .execute();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUrl,
      scope: this.settings.scopes,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, browserValue };
  }

  /** Validates the provider's return (the callback's query string) and answers who signed in. */
  async finish(browserValue: string | undefined, search: string): Promise<OidcIdentity> {
    if (!browserValue || browserValue.length > 64) throw new OidcError('expired', 'no sign-in under way in this browser');
    const hash = sha256(browserValue);
    const pending = await this.db.selectFrom('oidc_sign_ins').selectAll().where('browser_hash', '=', hash).executeTakeFirst();
    // Used once, whatever happens next.
    await this.db.deleteFrom('oidc_sign_ins').where('browser_hash', '=', hash).execute();
    if (!pending || this.now() - Number(pending.created_at) > OIDC_SIGN_IN_TTL_MS)
      throw new OidcError('expired', 'the sign-in took too long or was already used');
    const configuration = await this.#discover();
    // The URL the provider sent the browser to: the configured one (never the Host header) and the query it added.
    const current = new URL(this.settings.redirectUrl);
    current.search = search;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: pending.code_verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      if (err instanceof client.AuthorizationResponseError) throw new OidcError('denied', `the identity provider answered ${err.error}`);
      throw new OidcError('invalid', `the identity provider's answer was refused: ${err instanceof Error ? err.message : String(err)}`);
    }
    const idClaims = tokens.claims()!;
    let claims: Record<string, unknown> = { ...idClaims };
    const { roleClaim } = this.settings;
    if ((claims.email === undefined || claims[roleClaim] === undefined) && configuration.serverMetadata().userinfo_endpoint) {
      try {
        const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        // The ID token's claims win; UserInfo fills what it lacks (its subject is checked to be the same).
        claims = { ...userInfo, ...claims };
      } catch (err) {
        throw new OidcError('invalid', `the identity provider's UserInfo answer was refused: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const email = AccountEmail.safeParse(claims.email);
    if (!email.success || claims.email_verified === false) throw new OidcError('no_email', 'the identity provider gave no verified email address');
    const role = mapRole(claims[roleClaim], this.settings);
    if (!role) throw new OidcError('no_role', `no value of the ${roleClaim} claim maps to an Upwatch role`);
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : null;
    return { issuer: idClaims.iss, subject: idClaims.sub, email: email.data, name, role };
  }
}
