/**
 * Vitest global setup of the `console-pg` project: one throw-away PostgreSQL cluster for the run,
 * handed to the tests as `inject('postgresUrl')`, stopped when the run ends, failed or not.
 *
 * An interrupted run (Ctrl-C, SIGTERM from CI, a closed terminal) never reaches the teardown, and
 * the server, detached by pg_ctl into its own session, would outlive it with its /tmp folder: on
 * those signals and on `exit` the cluster is shut down immediately by its pid and its folder
 * removed, then the signal is raised again so the run ends as it would have.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    cluster.stopNow();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopNow();
    forget();
    // Other listeners (vitest's own) got this signal already; with none, its default action ends the run.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const forget = () => {
    process.off('exit', stopNow);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.once('exit', stopNow);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  project.provide('postgresUrl', cluster.url);
  return async () => {
    forget();
    if (!stopped) {
      stopped = true;
      await cluster.stop();
    }
  };
}
