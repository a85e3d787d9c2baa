/**
 * Who may do what. Browsers carry an `ingest` token: it sends events and reads the synced policy,
 * nothing else. People and automation use API keys with the Incydr console's three roles:
 * read_only views; analyst also changes risk scores, watchlists and alerts; admin also changes the
 * rest of the synced policy, credentials, legal holds and retention.
 */
import { z } from 'zod';

export const ROLES = ['ingest', 'read_only', 'analyst', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** The people roles, weakest first. */
export const PEOPLE_ROLES = ['read_only', 'analyst', 'admin'] as const satisfies readonly Role[];

export const ANYONE_WHO_READS = ['read_only', 'analyst', 'admin'] as const satisfies readonly Role[];
export const ANALYSTS = ['analyst', 'admin'] as const satisfies readonly Role[];
export const ADMINS = ['admin'] as const satisfies readonly Role[];
export const BROWSERS = ['ingest'] as const satisfies readonly Role[];

/**
 * Who made a request: the credential that authenticated it, or a person's session (then `name` is
 * the account's email and `credentialId` is `account:<id>`). Both go through the same access table.
 */
export interface Principal {
  credentialId: string;
  name: string;
  role: Role;
  /** How the request authenticated; absent means a bearer credential. */
  kind?: 'credential' | 'session';
}

/** How a principal appears in the audit log. */
export function actorOf(principal: Principal | 'system'): string {
  return principal === 'system' ? 'system' : `${principal.role}:${principal.name}`;
}
