// @vitest-environment node
/**
 * TLS to the database: a cluster of its own that refuses connections without TLS, reached with the
 * URL's `sslmode=verify-full` and `sslrootcert` (as libpq spells them). The console works over it,
 * the connection is encrypted, and a client that does not trust the server's certificate, or does
 * not use TLS, is refused.
 */
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../../console/server';
import { databaseFor, startPostgresCluster, type PostgresCluster } from '../support/postgres';
import { testEngine } from '../support/test-console';
import { sampleEvent } from '../support/sample-event';

describe.runIf(testEngine() === 'postgres')('TLS to PostgreSQL', () => {
  let cluster: PostgresCluster;
  let dir: string;
  let plainUrl: string;
  beforeAll(async () => {
    cluster = await startPostgresCluster({ tls: true });
    dir = mkdtempSync(join(tmpdir(), 'upwatch-tls-'));
    plainUrl = await databaseFor(`${cluster.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.caFile!)}`, dir);
  }, 60_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await cluster?.stop();
  });

  const withMode = (query: string) => `${plainUrl.split('?')[0]}?${query}`;

  it('runs the console over verify-full TLS, encrypted', async () => {
    const { app, services } = await buildConsole({
      dataDir: dir,
      databaseUrl: withMode(`sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.caFile!)}`),
    });
    try {
      const key = (await services.credentials.create({ name: 'browsers', role: 'ingest', createdBy: 'test' })).secret;
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { authorization: `Bearer ${key}` },
        payload: { events: [await sampleEvent()] },
      });
      expect(res.statusCode).toBe(200);
      const ssl = await sql<{ ssl: boolean; version: string }>`select ssl, version from pg_stat_ssl where pid = pg_backend_pid()`.execute(services.db);
      expect(ssl.rows[0]).toMatchObject({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
    } finally {
      await app.close();
    }
  });

  it('refuses a connection without TLS, and a server certificate it cannot verify', async () => {
    await expect(buildConsole({ dataDir: dir, databaseUrl: withMode('sslmode=disable') })).rejects.toThrow(/no encryption|pg_hba/);
    await expect(buildConsole({ dataDir: dir, databaseUrl: withMode('sslmode=verify-full') })).rejects.toThrow(/self[- ]signed|certificate/);
  });
});
