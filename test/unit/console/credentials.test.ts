// @vitest-environment node
/**
 * Credentials through the API and the command line: shown once, stored hashed, named uniquely,
 * revoked at once, two ingest tokens at a time (rotation), every stored event naming the token
 * that delivered it, every change audited. No secret is ever taken on the command line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastLine, runConsoleCli, serveConsole, stopAll } from '../support/console-child-process';
import { sampleEvent, sampleId } from '../support/sample-event';
import { consoleEachTest } from '../support/console-each-test';

const SECRET = /^upw_(ing|key)_[A-Za-z0-9_-]{43}$/;
const T0 = Date.parse('2026-11-25T09:00:00.000Z');

/** Every byte of every file in the data folder (database, WAL, shared memory). */
function dataFolderBytes(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

describe('credentials through the API', () => {
  const ctx = consoleEachTest(T0);

  const admin = () => ctx.built.as('admin');
  const create = (name: string, role: string) =>
    ctx.built.app.inject({ method: 'POST', url: '/api/v1/credentials', headers: admin(), payload: { name, role } });
  const ingestWith = async (secret: string, n: number) =>
    ctx.built.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { authorization: `Bearer ${secret}` },
      payload: { events: [await sampleEvent({ id: sampleId(n) })] },
    });
  const listed = async () =>
    (await ctx.built.app.inject({ method: 'GET', url: '/api/v1/credentials', headers: admin() })).json().credentials as {
      name: string;
      lastUsedAt: string | null;
      revokedAt: string | null;
      createdAt: string;
    }[];

  it('shows a new secret once, stores only its hash, and lists name, role and times', async () => {
    const res = await create('browsers-2026', 'ingest');
    expect(res.statusCode).toBe(201);
    const { secret, credential } = res.json();
    expect(secret).toMatch(SECRET);
    expect(credential).toMatchObject({
      name: 'browsers-2026',
      role: 'ingest',
      createdAt: new Date(T0).toISOString(),
      lastUsedAt: null,
      revokedAt: null,
      createdBy: 'admin:test-admin',
    });

    const list = await ctx.built.app.inject({ method: 'GET', url: '/api/v1/credentials', headers: admin() });
    expect(list.body).not.toContain(secret.slice(12));
    expect(list.body).not.toMatch(/secret/i);

    ctx.clock = T0 + 5_000;
    expect((await ingestWith(secret, 1)).statusCode).toBe(200);
    expect((await listed()).find((c) => c.name === 'browsers-2026')).toMatchObject({
      createdAt: new Date(T0).toISOString(),
      lastUsedAt: new Date(T0 + 5_000).toISOString(),
    });

    const onDisk = dataFolderBytes(ctx.built.dir);
    expect(onDisk).not.toContain(secret);
    expect(onDisk).not.toContain(secret.slice(12));
    for (const key of Object.values(ctx.built.keys)) expect(onDisk).not.toContain(key.slice(12));
  });

  it('keeps names unique (409), even once revoked', async () => {
    expect((await create('automation', 'analyst')).statusCode).toBe(201);
    expect((await create('automation', 'admin')).statusCode).toBe(409);
    await ctx.built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/automation', headers: admin() });
    expect((await create('automation', 'analyst')).statusCode).toBe(409);
    expect((await create('bad name!', 'analyst')).statusCode).toBe(400);
    expect((await create('x', 'root')).statusCode).toBe(400);
  });

  it('rotates ingest tokens: two valid at once, the old one refused the moment it is revoked', async () => {
    const old = (await create('browsers-old', 'ingest')).json().secret as string;
    const next = (await create('browsers-new', 'ingest')).json().secret as string;
    expect((await ingestWith(old, 1)).statusCode).toBe(200);
    expect((await ingestWith(next, 2)).statusCode).toBe(200);

    const revoked = await ctx.built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/browsers-old', headers: admin() });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().credential.revokedAt).toBe(new Date(T0).toISOString());
    const refused = await ingestWith(old, 3);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await ctx.built.app.inject({ method: 'GET', url: '/api/v1/policy', headers: { authorization: `Bearer ${old}` } })).statusCode).toBe(401);
    expect((await ingestWith(next, 4)).statusCode).toBe(200);
    expect(await ctx.built.services.events.count()).toBe(3);

    // Each stored event names the token that delivered it, also after that token is revoked.
    const delivered = async (n: number) =>
      (await ctx.built.app.inject({ method: 'GET', url: `/api/v1/events/${sampleId(n)}`, headers: ctx.built.as('read_only') })).json().received.credential;
    expect([await delivered(1), await delivered(2), await delivered(4)]).toEqual(['browsers-old', 'browsers-new', 'browsers-new']);
  });

  it('revokes an API key at once, refuses to revoke itself, and answers 404 for an unknown name', async () => {
    const key = (await create('soar', 'analyst')).json().secret as string;
    const asKey = { authorization: `Bearer ${key}` };
    expect((await ctx.built.app.inject({ method: 'GET', url: '/api/v1/audit', headers: asKey })).statusCode).toBe(200);
    await ctx.built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/soar', headers: admin() });
    expect((await ctx.built.app.inject({ method: 'GET', url: '/api/v1/audit', headers: asKey })).statusCode).toBe(401);
    expect((await ctx.built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/test-admin', headers: admin() })).statusCode).toBe(409);
    expect((await ctx.built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/nobody', headers: admin() })).statusCode).toBe(404);
  });

  it('audits creation and revocation with actor, target, before and after, and never the secret', async () => {
    const secret = (await create('browsers-2026', 'ingest')).json().secret as string;
    await ctx.built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/browsers-2026', headers: admin() });
    const audit = await ctx.built.app.inject({ method: 'GET', url: '/api/v1/audit?target=credential:browsers-2026', headers: admin() });
    const entries = audit.json().entries;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['credential.revoked', 'credential.created']);
    expect(entries[1]).toMatchObject({ actor: 'admin:test-admin', before: null, after: { name: 'browsers-2026', role: 'ingest' } });
    expect(entries[0]).toMatchObject({ actor: 'admin:test-admin', before: { revokedAt: null }, after: { revokedAt: new Date(T0).toISOString() } });
    expect(audit.body).not.toContain(secret.slice(12));
  });
});

describe('credentials on the command line', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'upwatch-cli-'));
  });
  afterEach(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates (secret alone on the last line), lists (no secrets) and revokes; the secret works until revoked', { timeout: 60_000 }, async () => {
    // One process first: two processes migrating a fresh folder at once race (see the report).
    const ingest = await runConsoleCli(['token', 'create', '--data', dir, '--role', 'ingest', '--name', 'x']);
    expect(ingest.code).toBe(0);
    const secret = lastLine(ingest.stdout);
    expect(secret).toMatch(/^upw_ing_/);
    expect(secret).toMatch(SECRET);

    const [admin, duplicate, server] = await Promise.all([
      runConsoleCli(['token', 'create', '--data', dir, '--role', 'admin', '--name', 'ops']),
      runConsoleCli(['token', 'create', '--data', dir, '--role', 'ingest', '--name', 'x']),
      serveConsole(dir),
    ]);
    expect(admin.code).toBe(0);
    const adminKey = lastLine(admin.stdout);
    expect(adminKey).toMatch(/^upw_key_/);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/exists already/);
    expect(duplicate.stdout).not.toMatch(/upw_/);
    // Not a first start: the folder had a credential, so no admin key is made or printed.
    expect(server.output()).not.toMatch(/upw_/);

    const post = async (n: number) =>
      fetch(`${server.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [await sampleEvent({ id: sampleId(n) })] }),
      });
    expect((await post(1)).status).toBe(200);
    const stored = await fetch(`${server.url}/api/v1/events/${sampleId(1)}`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect((await stored.json()).received.credential).toBe('x');

    const list = await runConsoleCli(['token', 'list', '--data', dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^x\tingest\tupw_ing_\S*\tcreated \S+\tlast used 20\S+\tactive$/m);
    expect(list.stdout).toMatch(/^ops\tadmin\tupw_key_\S*\tcreated \S+\tlast used 20\S+\tactive$/m);
    for (const s of [secret, adminKey]) expect(list.stdout).not.toContain(s.slice(12));
    expect(dataFolderBytes(dir)).not.toContain(secret.slice(12));

    const revoke = await runConsoleCli(['token', 'revoke', 'x', '--data', dir]);
    expect(revoke.code).toBe(0);
    // The running server looks every request's credential up: refused at once, no restart.
    expect((await post(2)).status).toBe(401);

    const audit = await fetch(`${server.url}/api/v1/audit?target=credential:x`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect((await audit.json()).entries.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`)).toEqual([
      'system credential.revoked',
      'system credential.created',
    ]);
    await server.stop();
  });

  it('prints one admin key on the first start of an empty data folder, and none on the next', { timeout: 30_000 }, async () => {
    const first = await serveConsole(dir);
    await first.stop();
    const keys = first
      .output()
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => SECRET.test(l));
    expect(keys, first.output()).toHaveLength(1);
    expect(keys[0]).toMatch(/^upw_key_/);

    const second = await serveConsole(dir);
    const whoami = await fetch(`${second.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${keys[0]}` } });
    expect(await whoami.json()).toEqual({ name: 'initial-admin', role: 'admin' });
    await second.stop();
    expect(second.output()).not.toMatch(/upw_(ing|key)_/);
    expect(dataFolderBytes(dir)).not.toContain(keys[0]!.slice(12));
  });

  it('takes no secret on the command line: --token is refused with a pointer to ingest tokens', { timeout: 30_000 }, async () => {
    const res = await runConsoleCli(['--data', dir, '--port', '0', '--token', 'upw_ing_secret']);
    expect(res.code).toBe(2);
    expect(res.stdout).not.toMatch(/listening/);
    expect(res.stderr).toMatch(/--token is gone/);
    expect(res.stderr).toMatch(/--role ingest/);
    expect(`${res.stdout}${res.stderr}`).not.toContain('upw_ing_secret');
  });
});
