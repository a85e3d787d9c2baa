/** Serves the simulated sites over plain HTTP on loopback, choosing the site by the Host header. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HANGING_PATH, renderSite } from './sites';

export interface SiteServer {
  port: number;
  close(): Promise<void>;
}

export async function startSiteServer(): Promise<SiteServer> {
  const server: Server = createServer((req, res) => {
    // Never answered (sites.ts); close() ends it.
    if (new URL(req.url ?? '/', 'http://x').pathname === HANGING_PATH) return;
    const html = renderSite(new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`));
    if (html === undefined) {
      res.writeHead(404).end('not a simulated site');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
