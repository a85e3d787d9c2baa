/**
 * Runs the console in this process on a free loopback port, with a throw-away data folder. Like a
 * real deployment, browsers get an ingest token (it can only send events and read the policy) and
 * the harness makes its own calls with an admin API key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole, type BuiltConsole, type ConsoleOptions } from '../../console/server';
import type { ApiEvent } from '../../console/events/store';

export interface RunningConsole {
  url: string;
  ingestUrl: string;
  /** The ingest token the browsers carry. */
  token: string;
  /** An admin API key, for the harness's own calls. */
  adminKey: string;
  dataDir: string;
  built: BuiltConsole;
  /** fetch against the console with the admin key. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  events(): Promise<ApiEvent[]>;
  waitForEvents(predicate: (events: ApiEvent[]) => boolean, timeoutMs?: number): Promise<ApiEvent[]>;
  close(): Promise<void>;
}

export interface StartConsoleOptions extends Partial<Omit<ConsoleOptions, 'dataDir'>> {
  dataDir?: string;
  port?: number;
  /** Reuse credentials made by an earlier start on the same data folder. */
  credentials?: { token: string; adminKey: string };
}

export async function startConsole(options: StartConsoleOptions = {}): Promise<RunningConsole> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'upwatch-console-'));
  const built = await buildConsole({ ...options, dataDir });
  const { app, services } = built;
  const credentials = options.credentials ?? {
    token: (await services.credentials.create({ name: `browsers-${Date.now()}`, role: 'ingest', createdBy: 'harness' })).secret,
    adminKey: (await services.credentials.create({ name: `harness-admin-${Date.now()}`, role: 'admin', createdBy: 'harness' })).secret,
  };
  const url = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${credentials.adminKey}`, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
  const events = async () => {
    const all: ApiEvent[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(`/api/v1/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      if (!res.ok) throw new Error(`console answered ${res.status}`);
      const page = (await res.json()) as { events: ApiEvent[]; nextCursor: string | null };
      all.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };
  return {
    url,
    ingestUrl: `${url}/api/v1/events`,
    token: credentials.token,
    adminKey: credentials.adminKey,
    dataDir,
    built,
    api,
    events,
    async waitForEvents(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const list = await events();
        if (predicate(list)) return list;
        if (Date.now() > deadline) throw new Error(`console did not receive the expected events in ${timeoutMs} ms; it has ${list.length}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
