/**
 * The one table of who may call what. Every route the console serves has exactly one line here
 * (the server refuses to start otherwise), and authentication runs on the route the router
 * matched, never on the raw URL. Anything not in the router is 404 before a byte of body is read.
 */
import { ADMINS, ANALYSTS, ANYONE_WHO_READS, BROWSERS, type Role } from '../auth/roles';

const READERS_AND_BROWSERS = [...BROWSERS, ...ANYONE_WHO_READS] as const;

/** `public`: no credential and no data (the health check), or the way to a session (sign-in). */
export type Access = readonly Role[] | 'public';

export const ACCESS: Readonly<Record<string, Access>> = {
  'GET /health': 'public',
  'POST /api/v1/events': BROWSERS,
  'GET /api/v1/policy': READERS_AND_BROWSERS,
  'PUT /api/v1/policy': ADMINS,

  'GET /api/v1/events': ANYONE_WHO_READS,
  'GET /api/v1/events/export': ANYONE_WHO_READS,
  'GET /api/v1/events/:id': ANYONE_WHO_READS,
  'GET /api/v1/exposure': ANYONE_WHO_READS,
  'GET /api/v1/destinations/classify': ANYONE_WHO_READS,
  'GET /api/v1/destinations/unclassified': ANYONE_WHO_READS,
  'POST /api/v1/destinations/custom': ADMINS,

  'GET /api/v1/risk-settings': ANYONE_WHO_READS,
  'PUT /api/v1/risk-settings': ANALYSTS,
  'POST /api/v1/risk-settings/preview': ANYONE_WHO_READS,

  'GET /api/v1/audit': ANALYSTS,

  'GET /api/v1/credentials': ADMINS,
  'POST /api/v1/credentials': ADMINS,
  'DELETE /api/v1/credentials/:name': ADMINS,
  // Not ingest: a browser's token reads nothing but the policy (issue 11: it sends events and reads the policy, only).
  'GET /api/v1/whoami': ANYONE_WHO_READS,
  'GET /api/v1/accounts': ADMINS,
  'POST /api/v1/accounts': ADMINS,
  'PATCH /api/v1/accounts/:email': ADMINS,

  // Signing in needs no credential (it is how a person gets one); the rest is the person's own session.
  'GET /api/v1/sign-in': 'public',
  'POST /api/v1/session': 'public',
  'GET /api/v1/session': ANYONE_WHO_READS,
  'DELETE /api/v1/session': ANYONE_WHO_READS,
  'GET /auth/oidc/login': 'public',
  'GET /auth/oidc/callback': 'public',

  'GET /api/v1/watchlists': ANYONE_WHO_READS,
  'POST /api/v1/watchlists': ADMINS,
  'PATCH /api/v1/watchlists/:id': ADMINS,
  'GET /api/v1/watchlists/:id/members': ANYONE_WHO_READS,
  'POST /api/v1/watchlists/:id/members': ANALYSTS,
  'DELETE /api/v1/watchlists/:id/members/:email': ANALYSTS,
  'GET /api/v1/users/:email': ANYONE_WHO_READS,
  'GET /api/v1/users/:email/browsers': ANYONE_WHO_READS,
  'PATCH /api/v1/users/:email': ANALYSTS,
  'POST /api/v1/users/:email/lookback': ANALYSTS,
  'POST /api/v1/users/:email/block': ANALYSTS,
  'DELETE /api/v1/users/:email/block': ANALYSTS,

  'GET /api/v1/alert-rules': ANYONE_WHO_READS,
  'POST /api/v1/alert-rules': ANALYSTS,
  'PATCH /api/v1/alert-rules/:id': ANALYSTS,
  'GET /api/v1/alerts': ANYONE_WHO_READS,
  'GET /api/v1/alerts/:id': ANYONE_WHO_READS,
  'PATCH /api/v1/alerts/:id': ANALYSTS,

  // Channels hold receivers' URLs and secrets: admins. The outbox holds neither: analysts see it and re-send.
  'GET /api/v1/notification-channels': ADMINS,
  'PUT /api/v1/notification-channels/:id': ADMINS,
  'DELETE /api/v1/notification-channels/:id': ADMINS,
  'GET /api/v1/notifications': ANALYSTS,
  'POST /api/v1/notifications/:id/retry': ANALYSTS,

  'GET /api/v1/legal-holds': ANALYSTS,
  'POST /api/v1/legal-holds': ADMINS,
  'DELETE /api/v1/legal-holds': ADMINS,
  'GET /api/v1/retention': ANALYSTS,
  'PUT /api/v1/retention': ADMINS,

  'GET /api/v1/openapi.json': ANYONE_WHO_READS,

  // The web interface's pages (console/http/static-ui.ts): the same HTML for everyone, no data; what a
  // page shows it asks the API for, with the session's role.
  'GET /': 'public',
  'GET /events': 'public',
  'GET /events/:id': 'public',
  'GET /users/:email': 'public',
  'GET /alerts': 'public',
  'GET /alerts/:id': 'public',
  'GET /watchlists': 'public',
  'GET /settings/risk': 'public',
  'GET /settings/policy': 'public',
  'GET /settings/rules': 'public',
  'GET /settings/destinations': 'public',
  'GET /audit': 'public',
  'GET /admin/credentials': 'public',
  'GET /admin/users': 'public',
};

export function accessKey(method: string, path: string): string {
  return `${method} ${path}`;
}
