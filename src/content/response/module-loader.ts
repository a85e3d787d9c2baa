/**
 * Loads the response module (decisions and the dialog) only where files are held: it is a
 * separate script (response.js, a web-accessible resource) imported into this isolated world the
 * first time a frame's plan says hold, so no other page pays for it (issue 13's budget).
 */
import { MODULE_GLOBAL, type ResponseModule } from './module-api';

interface RuntimeHolder {
  runtime?: { getURL?: (path: string) => string };
}

export function moduleLoader(): () => Promise<ResponseModule> {
  let loading: Promise<ResponseModule> | undefined;
  const load = async (): Promise<ResponseModule> => {
    const g = globalThis as { browser?: RuntimeHolder; chrome?: RuntimeHolder } & Record<string, unknown>;
    if (!g[MODULE_GLOBAL]) {
      const runtime = [g.browser?.runtime, g.chrome?.runtime].find((r) => typeof r?.getURL === 'function');
      if (!runtime) throw new Error('no extension runtime');
      await import(/* @vite-ignore */ runtime.getURL!('/response.js'));
    }
    const module = g[MODULE_GLOBAL] as ResponseModule | undefined;
    if (typeof module?.settle !== 'function') throw new Error('the response module did not load');
    return module;
  };
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}
