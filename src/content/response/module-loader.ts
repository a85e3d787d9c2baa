/**
 * Loads a part of the content script only where it is needed: a separate script (a web-accessible
 * resource) imported into this isolated world the first time it is asked for, so that no other
 * page pays for it (issue 13's budget). The observer's core (observer-api.ts) loads this way the
 * first time a file is handed over; the response module (decisions and the dialog) the first time
 * a frame's plan says hold.
 */
import { MODULE_GLOBAL, type ResponseModule } from './module-api';

interface RuntimeHolder {
  runtime?: { getURL?: (path: string) => string };
}

/** `path` leaves its export at `globalThis[global]`; `usable` checks it. A failed load is tried again at the next call. */
export function scriptLoader<T>(path: string, global: string, usable: (value: unknown) => boolean): () => Promise<T> {
  let loading: Promise<T> | undefined;
  const load = async (): Promise<T> => {
    const g = globalThis as { browser?: RuntimeHolder; chrome?: RuntimeHolder } & Record<string, unknown>;
    if (!g[global]) {
      const runtime = [g.browser?.runtime, g.chrome?.runtime].find((r) => typeof r?.getURL === 'function');
      if (!runtime) throw new Error('no extension runtime');
      await import(/* @vite-ignore */ runtime.getURL!(path));
    }
    if (!usable(g[global])) throw new Error(`${path} did not load`);
    return g[global] as T;
  };
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}

export const moduleLoader = () =>
  scriptLoader<ResponseModule>('/response.js', MODULE_GLOBAL, (module) => typeof (module as ResponseModule | undefined)?.settle === 'function');
