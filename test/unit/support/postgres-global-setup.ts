/**
 * Vitest global setup of the `console-pg` project: one throw-away PostgreSQL cluster for the run,
 * handed to the tests as `inject('postgresUrl')`, stopped when the run ends, failed or not (and on
 * an interrupted run, killed by its pid when this process exits).
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  const onExit = () => {
    try {
      process.kill(cluster.pid, 'SIGQUIT');
    } catch {
      // already stopped
    }
  };
  process.once('exit', onExit);
  project.provide('postgresUrl', cluster.url);
  return async () => {
    process.off('exit', onExit);
    await cluster.stop();
  };
}
