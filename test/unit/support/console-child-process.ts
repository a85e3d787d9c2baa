/**
 * The console as its users run it: `console/main.ts` in its own process. Node with the tsx loader
 * (what `npx tsx` runs, without npx's extra process), so the pid is the server's own and a
 * SIGKILL reaches it. Every process started here is stopped by `stopAll()` (call it in afterEach).
 *
 * On PostgreSQL (the console-pg project) a command given `--data <dir>` also gets
 * `--database <the folder's database>`, as in makeTestConsole.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testDatabaseUrl } from './test-console';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'console/main.ts';
const running = new Set<ChildProcess>();

function start(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `args` plus `--database <url>` when the run is on PostgreSQL and the command names a data folder. */
async function withDatabase(args: string[]): Promise<string[]> {
  const at = args.indexOf('--data');
  const dir = at >= 0 ? args[at + 1] : undefined;
  const url = dir === undefined || args.includes('--database') ? undefined : await testDatabaseUrl(dir);
  return url ? [...args, '--database', url] : args;
}

/** Runs `console/main.ts <args>` to its end. */
export async function runConsoleCli(args: string[]): Promise<CliResult> {
  const child = start(await withDatabase(args));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServingConsole {
  pid: number;
  url: string;
  /** Everything printed so far. */
  output(): string;
  /** SIGTERM, and wait for the process to end. */
  stop(): Promise<void>;
  /** SIGKILL, and wait for the process to end. */
  kill(): Promise<void>;
}

/** Starts the server on a free port and answers once it says where it listens. */
export async function serveConsole(dataDir: string, extra: string[] = []): Promise<ServingConsole> {
  const child = start(await withDatabase(['--port', '0', '--data', dataDir, ...extra]));
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ pid: child.pid!, url, output: () => output, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    void exited.then(() => reject(new Error(`the console exited before listening:\n${output}`)));
  });
}

/** Kills (by pid) whatever this module started and is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** The secret a command printed alone on its last line. */
export function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)!.trim();
}
