/**
 * The server's sign-in flags: Secure cookies, session lifetimes and OIDC single sign-on. The OIDC
 * client secret comes from the environment (UPWATCH_OIDC_CLIENT_SECRET) or a file, never from argv.
 */
import { readFileSync } from 'node:fs';
import { OidcSettings } from '../auth/oidc';
import type { SignInOptions } from '../auth/sign-in';

export const SIGN_IN_FLAGS = {
  'secure-cookies': { type: 'boolean' },
  'session-idle-minutes': { type: 'string' },
  'session-max-hours': { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-client-secret-file': { type: 'string' },
  'oidc-redirect-url': { type: 'string' },
  'oidc-scopes': { type: 'string' },
  'oidc-role-claim': { type: 'string' },
  'oidc-role-map': { type: 'string' },
  'oidc-default-role': { type: 'string' },
} as const;

type Values = { [K in keyof typeof SIGN_IN_FLAGS]?: (typeof SIGN_IN_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

export class SignInFlagError extends Error {}

function positive(value: string | undefined, flag: string, unitMs: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new SignInFlagError(`--${flag} must be a positive number`);
  return Math.round(n * unitMs);
}

/** `upwatch-admin=admin,upwatch-analyst=analyst`: claim value = role, comma-separated. */
function roleMap(value: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw new SignInFlagError(`--oidc-role-map takes value=role pairs separated by commas, not "${pair}"`);
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return map;
}

export function signInOptionsFrom(values: Values, env: NodeJS.ProcessEnv = process.env): SignInOptions {
  const idleMs = positive(values['session-idle-minutes'], 'session-idle-minutes', 60_000);
  const absoluteMs = positive(values['session-max-hours'], 'session-max-hours', 3_600_000);
  const options: SignInOptions = {
    ...(values['secure-cookies'] && { secureCookies: true }),
    ...((idleMs || absoluteMs) && { sessions: { ...(idleMs && { idleMs }), ...(absoluteMs && { absoluteMs }) } }),
  };
  const issuer = values['oidc-issuer'];
  if (issuer === undefined) {
    const stray = Object.keys(values).find((k) => k.startsWith('oidc-') && values[k as keyof Values] !== undefined);
    if (stray) throw new SignInFlagError(`--${stray} needs --oidc-issuer`);
    return options;
  }
  const file = values['oidc-client-secret-file'];
  const secret = file === undefined ? env.UPWATCH_OIDC_CLIENT_SECRET : readFileSync(file, 'utf8').trim();
  if (!secret) throw new SignInFlagError('OIDC needs its client secret in UPWATCH_OIDC_CLIENT_SECRET or in the file named by --oidc-client-secret-file');
  const parsed = OidcSettings.safeParse({
    issuer,
    clientId: values['oidc-client-id'],
    clientSecret: secret,
    redirectUrl: values['oidc-redirect-url'],
    ...(values['oidc-scopes'] && { scopes: values['oidc-scopes'] }),
    ...(values['oidc-role-claim'] && { roleClaim: values['oidc-role-claim'] }),
    ...(values['oidc-role-map'] && { roleMap: roleMap(values['oidc-role-map']) }),
    ...(values['oidc-default-role'] && { defaultRole: values['oidc-default-role'] }),
  });
  if (!parsed.success) {
    const flag = (path: PropertyKey | undefined) => `--oidc-${String(path).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new SignInFlagError(parsed.error.issues.map((i) => `${flag(i.path[0])}: ${i.message}`).join('\n'));
  }
  return { ...options, oidc: parsed.data };
}
