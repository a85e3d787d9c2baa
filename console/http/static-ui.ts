/**
 * The console's web interface, served by the console itself (no CDN: it works on an offline
 * network). Each page path answers the built index.html (the app reads the path and query), and
 * the build's hashed files are under /assets/. Every answer carries a strict CSP: scripts, styles
 * and connections from this origin only, no inline script, no framing.
 *
 * The page paths are routes of the access table (public: the page is the same for everyone; the
 * data behind it is asked for with the session). The assets are registered here directly: they
 * are files of the build, not routes of the API, and their names change with every build.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { defineRoute, type RouteSpec } from './route';

export const UI_BUILD_DIR = fileURLToPath(new URL('../../.output/console-ui/', import.meta.url));

/** The paths of the UI's pages (console/ui/src/main.tsx routes the same list). */
export const UI_PAGES = [
  '/',
  '/events',
  '/events/:id',
  '/users/:email',
  '/alerts',
  '/alerts/:id',
  '/watchlists',
  '/settings/risk',
  '/settings/policy',
  '/settings/rules',
  '/settings/destinations',
  '/audit',
  '/admin/credentials',
  '/admin/users',
] as const;

export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', UI_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('X-Frame-Options', 'DENY')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cross-Origin-Opener-Policy', 'same-origin')
    .header('Cross-Origin-Resource-Policy', 'same-origin')
    .header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Upwatch console</title></head><body>
<h1>The console's web interface is not built</h1>
<p>Run <code>npm run build:console-ui</code> (or <code>npm run build</code>) and reload. The API under /api/v1/ works without it.</p>
</body></html>`;

function indexHtml(dir: string): string | null {
  try {
    return readFileSync(join(dir, 'index.html'), 'utf8');
  } catch {
    return null;
  }
}

const Segment = z.object({ id: z.string().max(512).optional(), email: z.string().max(512).optional() });

export function uiRoutes(dir = UI_BUILD_DIR): RouteSpec[] {
  // Read per request while missing (a build can land while the console runs), cached once found.
  let cached: string | null = null;
  return UI_PAGES.map((path) =>
    defineRoute({
      method: 'GET',
      path,
      tag: 'ui',
      summary: 'A page of the web interface.',
      params: Segment,
      produces: 'text/html',
      async handler({ reply }) {
        cached ??= indexHtml(dir);
        secure(reply).header('Cache-Control', 'no-cache').type('text/html; charset=utf-8');
        return reply.send(cached ?? NOT_BUILT);
      },
    }),
  );
}

const ASSET = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(js|css|svg|png|woff2)$/;
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};

export function registerUiAssets(app: FastifyInstance, dir = UI_BUILD_DIR): void {
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const match = ASSET.exec(request.params.file);
    if (!match) return reply.code(404).send({ error: 'not found' });
    let body: Buffer;
    try {
      body = await readFile(join(dir, 'assets', request.params.file));
    } catch {
      return reply.code(404).send({ error: 'not found' });
    }
    // Hashed names: a new build has new names, so a file may be cached for good.
    return secure(reply).type(TYPES[match[1]!]!).header('Cache-Control', 'public, max-age=31536000, immutable').send(body);
  });
}
