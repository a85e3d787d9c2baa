/** Runs the console in this process on a free loopback port, with a throw-away data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildConsole } from '../../console/server';
import type { FileEvent } from '../../src/core/schema/event';

export interface RunningConsole {
  url: string;
  ingestUrl: string;
  token: string;
  dataDir: string;
  events(): Promise<FileEvent[]>;
  waitForEvents(predicate: (events: FileEvent[]) => boolean, timeoutMs?: number): Promise<FileEvent[]>;
  close(): Promise<void>;
}

export async function startConsole(options: { dataDir?: string; port?: number; token?: string } = {}): Promise<RunningConsole> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'upwatch-console-'));
  const token = options.token ?? randomBytes(16).toString('hex');
  const { app } = buildConsole({ dataDir, token });
  const url = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const events = async () => {
    const res = await fetch(`${url}/api/v1/events?limit=10000`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`console answered ${res.status}`);
    return ((await res.json()) as { events: FileEvent[] }).events;
  };
  return {
    url,
    ingestUrl: `${url}/api/v1/events`,
    token,
    dataDir,
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
