/**
 * A throw-away PostgreSQL cluster for the console tests: initdb into a temporary folder, started
 * with pg_ctl on a free loopback port (trust authentication on loopback only, so no password is
 * ever written or passed), stopped by its postmaster's pid and deleted afterwards.
 *
 * initdb and postgres refuse to run as root: as root they run as the `postgres` user (runuser),
 * which owns the folder. The server is Debian's (`apt-get install postgresql`, done by
 * scripts/ensure-setup.sh); UPWATCH_PG_BIN points elsewhere.
 *
 * Test databases: one per console data folder (`databaseFor(dir)`), named from the folder, so a
 * console started again on the same folder (kill -9, restart) finds its data again.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { writeSelfSignedCert } from './self-signed-cert';

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust on loopback: no password). */
  url: string;
  /** With `tls`: the server's self-signed certificate, the CA a client must trust. */
  caFile?: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /**
   * Immediate shutdown (SIGQUIT, as `pg_ctl stop -m immediate`), waited for synchronously, then the
   * folder removed: for a process about to exit (a signal or `exit` handler cannot await).
   */
  stopNow(): void;
}

function binDir(): string {
  if (process.env.UPWATCH_PG_BIN) return process.env.UPWATCH_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: run `bash scripts/ensure-setup.sh postgres` (Debian: apt-get install postgresql)');
  return join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program, as `postgres` when this process is root. */
function run(program: string, args: string[]): void {
  const path = join(binDir(), program);
  const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Blocks this thread (no event loop: usable in an `exit` handler) until `done` or `ms` passed. */
function waitUntilSync(done: () => boolean, ms: number): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (done()) return true;
    Atomics.wait(pause, 0, 0, 20);
  }
  return done();
}

async function waitUntil(done: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

/** A self-signed certificate for 127.0.0.1 in the data folder, and pg_hba.conf refusing loopback without TLS. */
function enableTls(data: string): { cert: string; key: string } {
  const cert = join(data, 'server.crt');
  const key = join(data, 'server.key');
  writeSelfSignedCert({ commonName: '127.0.0.1', subjectAltName: 'IP:127.0.0.1', keyFile: key, certFile: cert });
  writeFileSync(join(data, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\nlocal all all trust\n');
  if (isRoot()) {
    const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres']).toString()));
    for (const f of [cert, key, join(data, 'pg_hba.conf')]) chownSync(f, uid!, gid!);
  }
  chmodSync(key, 0o600);
  return { cert, key };
}

/**
 * durable: fsync and synchronous commits on, as a production server (benchmarks); off by default (tests).
 * tls: TLS with a self-signed certificate for 127.0.0.1, and connections without TLS refused.
 */
export async function startPostgresCluster(options: { durable?: boolean; tls?: boolean } = {}): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-pg-'));
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  let pid = 0;
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    const tls = options.tls ? enableTls(data) : undefined;
    // The port can be taken between choosing and binding it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const settings = [
        `-p ${port}`,
        "-c listen_addresses='127.0.0.1'",
        `-c unix_socket_directories='${dir}'`,
        // Throw-away data: in tests the durability of the cluster itself is not under test, speed is.
        options.durable ? '-c shared_buffers=256MB' : '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB',
        '-c max_connections=400',
        ...(tls ? [`-c ssl=on -c ssl_cert_file='${tls.cert}' -c ssl_key_file='${tls.key}'`] : []),
      ].join(' ');
      try {
        run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
      } catch (err) {
        if (attempt < 3) continue;
        const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
        throw new Error(`PostgreSQL did not start: ${String(err)}\n${log}`);
      }
      pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      return {
        url,
        ...(tls && { caFile: tls.cert }),
        port,
        pid,
        async stop() {
          // SIGINT is PostgreSQL's fast shutdown (disconnect clients, stop); SIGQUIT if it hangs.
          if (alive(pid)) process.kill(pid, 'SIGINT');
          if (!(await waitUntil(() => !alive(pid), 15_000)) && alive(pid)) process.kill(pid, 'SIGQUIT');
          await waitUntil(() => !alive(pid), 5_000);
          rmSync(dir, { recursive: true, force: true });
        },
        stopNow() {
          if (alive(pid)) process.kill(pid, 'SIGQUIT');
          // The backends exit within moments of their postmaster; the folder goes once they are gone.
          waitUntilSync(() => !alive(pid), 5_000);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (err) {
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The database name for a console data folder: stable for the folder, distinct between folders. */
export function databaseNameFor(dataDir: string): string {
  return `upwatch_test_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
}

/** The URL of the data folder's database on the cluster, created when it does not exist yet. */
export async function databaseFor(clusterUrl: string, dataDir: string): Promise<string> {
  const name = databaseNameFor(dataDir);
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!found.rowCount) {
      try {
        await client.query(`create database ${name}`);
      } catch (err) {
        // Two consoles on one folder at once (server and CLI): the other one created it.
        if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a data folder's database (the console using it must be closed). */
export async function dropDatabaseFor(clusterUrl: string, dataDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${databaseNameFor(dataDir)} with (force)`);
  } finally {
    await client.end();
  }
}
