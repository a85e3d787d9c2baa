/**
 * The accounts people sign in with (the /admin/users page): list, create a local account with an
 * initial password, change role, name, disabled or password. Every change is audited; disabling an
 * account or setting its password ends its sessions at once. Who may call each route:
 * ../http/access.ts (admins only).
 */
import { z } from 'zod';
import { AccountEmail, AccountError, AccountInfo, accountInfo, AccountName, AccountRole, type AccountPatch } from '../auth/accounts';
import { Password } from '../auth/passwords';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute, HttpError, rethrowAsHttp } from '../http/route';

const Params = z.object({ email: AccountEmail });

const list = defineRoute({
  method: 'GET',
  path: '/api/v1/accounts',
  tag: 'accounts',
  summary: 'Every account people sign in with, newest first, with cursor paging (never a password hash).',
  query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() }),
  response: z.object({ accounts: z.array(AccountInfo), nextCursor: z.string().nullable() }),
  async handler({ query, services }) {
    const after = decodeCursor(z.object({ createdAt: z.number().int(), id: z.string().max(64) }), query.cursor);
    const rows = await services.auth.accounts.list({ limit: query.limit, ...(after && { after }) });
    const last = rows.at(-1);
    return {
      accounts: rows.map(accountInfo),
      nextCursor: rows.length === query.limit && last ? encodeCursor({ createdAt: Number(last.created_at), id: last.id }) : null,
    };
  },
});

const create = defineRoute({
  method: 'POST',
  path: '/api/v1/accounts',
  tag: 'accounts',
  summary:
    'Create a local account with an initial password (at least 12 characters), which the admin hands over out of band. Single sign-on accounts are created at their first sign-in instead. Audited.',
  body: z.strictObject({ email: AccountEmail, role: AccountRole, name: AccountName.optional(), password: Password }),
  response: z.object({ account: AccountInfo }),
  async handler({ body, principal, services, reply }) {
    try {
      const account = await services.auth.accounts.createLocal(body, principal);
      reply.code(201);
      return { account };
    } catch (err) {
      return rethrowAsHttp(err, AccountError);
    }
  },
});

const patch = defineRoute({
  method: 'PATCH',
  path: '/api/v1/accounts/:email',
  tag: 'accounts',
  summary:
    "Change an account's role, name (null clears it), disabled, or password (local accounts). Disabling or a new password ends its sessions at once; a role change applies to its running sessions. Nobody disables or demotes their own account. Audited.",
  params: Params,
  body: z
    .strictObject({ role: AccountRole.optional(), name: AccountName.nullable().optional(), disabled: z.boolean().optional(), password: Password.optional() })
    .refine((b) => Object.keys(b).length > 0, 'name at least one of role, name, disabled, password'),
  response: z.object({ account: AccountInfo }),
  async handler({ params, body, principal, services }) {
    const own = principal.kind === 'session' && principal.name === params.email;
    if (own && (body.disabled === true || (body.role !== undefined && body.role !== principal.role))) {
      throw new HttpError(409, 'nobody disables or demotes their own account: ask another admin');
    }
    try {
      return { account: await services.auth.accounts.update(params.email, body as AccountPatch, principal) };
    } catch (err) {
      return rethrowAsHttp(err, AccountError);
    }
  },
});

export const ACCOUNT_ROUTES = [list, create, patch];
