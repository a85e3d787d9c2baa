// @vitest-environment node
/**
 * Accounts people sign in with, through the admin API (/admin/users) and the command line: created
 * with a password of at least 12 characters (read from standard input on the command line, never
 * argv), listed without any hash, changed and disabled, every change audited.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConsole } from '../../../console/server';
import { consoleEachTest } from '../support/console-each-test';
import { PASSWORD, signedIn, signInRequest } from '../support/sessions';

const T0 = Date.parse('2026-11-25T09:00:00.000Z');

describe('accounts through the API', () => {
  const ctx = consoleEachTest(T0);

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = ctx.built.as('admin')) =>
    ctx.built.app.inject({ method, url, headers, ...(payload && { payload }) });
  const audit = async (action: string) =>
    (await call('GET', `/api/v1/audit?action=${action}`)).json().entries as {
      actor: string;
      target: string;
      before: unknown;
      after: Record<string, unknown>;
    }[];

  it('creates a local account that signs in with its initial password, audited without the password', async () => {
    const res = await call('POST', '/api/v1/accounts', { email: 'Olivia@Example.com', role: 'analyst', name: 'Olivia Park', password: PASSWORD });
    expect(res.statusCode).toBe(201);
    expect(res.json().account).toEqual({
      email: 'olivia@example.com',
      name: 'Olivia Park',
      role: 'analyst',
      kind: 'local',
      createdAt: new Date(T0).toISOString(),
      createdBy: 'admin:test-admin',
      updatedAt: new Date(T0).toISOString(),
      lastSignInAt: null,
      disabled: false,
      disabledAt: null,
    });
    expect((await signInRequest(ctx.built, 'olivia@example.com', PASSWORD)).statusCode).toBe(200);
    const [created] = await audit('account.created');
    expect(created).toMatchObject({ actor: 'admin:test-admin', target: 'account:olivia@example.com', after: { role: 'analyst' } });
    const everything = JSON.stringify((await call('GET', '/api/v1/audit')).json()) + (await call('GET', '/api/v1/accounts')).body;
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toMatch(/scrypt|password_hash|passwordHash/);
  });

  it('refuses a short password, a taken address, an unknown role and the ingest role', async () => {
    await call('POST', '/api/v1/accounts', { email: 'olivia@example.com', role: 'analyst', password: PASSWORD });
    expect((await call('POST', '/api/v1/accounts', { email: 'short@example.com', role: 'analyst', password: 'eleven-char' })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/accounts', { email: 'OLIVIA@example.com', role: 'admin', password: PASSWORD })).statusCode).toBe(409);
    expect((await call('POST', '/api/v1/accounts', { email: 'x@example.com', role: 'superuser', password: PASSWORD })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/accounts', { email: 'x@example.com', role: 'ingest', password: PASSWORD })).statusCode).toBe(400);
  });

  it('lists newest first with cursor paging', async () => {
    for (let i = 0; i < 5; i++) {
      ctx.clock = T0 + i * 1000;
      await ctx.built.services.auth.accounts.createLocal({ email: `person${i}@example.com`, role: 'read_only', password: PASSWORD }, 'system', 'test');
    }
    const first = (await call('GET', '/api/v1/accounts?limit=3')).json();
    expect(first.accounts.map((a: { email: string }) => a.email)).toEqual(['person4@example.com', 'person3@example.com', 'person2@example.com']);
    const second = (await call('GET', `/api/v1/accounts?limit=3&cursor=${first.nextCursor}`)).json();
    expect(second.accounts.map((a: { email: string }) => a.email)).toEqual(['person1@example.com', 'person0@example.com']);
    expect(second.nextCursor).toBeNull();
  });

  it('changes role, name and password, each audited with before and after; a new password ends the sessions', async () => {
    const session = await signedIn(ctx.built, 'olivia@example.com', 'analyst');
    ctx.clock = T0 + 60_000;
    const changed = await call('PATCH', '/api/v1/accounts/olivia@example.com', { role: 'read_only', name: 'O. Park' });
    expect(changed.json().account).toMatchObject({ role: 'read_only', name: 'O. Park', updatedAt: new Date(T0 + 60_000).toISOString() });
    const [update] = await audit('account.updated');
    expect(update).toMatchObject({
      target: 'account:olivia@example.com',
      before: { role: 'analyst', name: null },
      after: { role: 'read_only', name: 'O. Park' },
    });

    const newPassword = 'a brand new passphrase';
    expect((await call('PATCH', '/api/v1/accounts/olivia@example.com', { password: newPassword })).statusCode).toBe(200);
    expect((await audit('account.updated'))[0]!.after).toMatchObject({ passwordChanged: true, sessionsEnded: 1 });
    expect((await ctx.built.app.inject({ method: 'GET', url: '/api/v1/session', headers: session.headers() })).statusCode).toBe(401);
    expect((await signInRequest(ctx.built, 'olivia@example.com', PASSWORD)).statusCode).toBe(401);
    expect((await signInRequest(ctx.built, 'olivia@example.com', newPassword)).statusCode).toBe(200);
  });

  it('answers 404 for an unknown account and 400 for an empty change', async () => {
    expect((await call('PATCH', '/api/v1/accounts/nobody@example.com', { disabled: true })).statusCode).toBe(404);
    await call('POST', '/api/v1/accounts', { email: 'olivia@example.com', role: 'analyst', password: PASSWORD });
    expect((await call('PATCH', '/api/v1/accounts/olivia@example.com', {})).statusCode).toBe(400);
  });

  it('lets no admin disable or demote their own account', async () => {
    const admin = await signedIn(ctx.built, 'boss@example.com', 'admin');
    const self = (payload: object) => call('PATCH', '/api/v1/accounts/boss@example.com', payload, admin.headers());
    expect((await self({ disabled: true })).statusCode).toBe(409);
    expect((await self({ role: 'analyst' })).statusCode).toBe(409);
    expect((await self({ name: 'The Boss' })).statusCode).toBe(200);
  });
});

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `console/main.ts user …` with `input` on standard input. */
function userCli(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'console/main.ts', 'user', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('accounts from the command line', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'upwatch-users-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates an account with the password from standard input, lists it, and disables it', async () => {
    const created = await userCli(['create', '--data', dir, '--email', 'Olivia@Example.com', '--role', 'admin', '--name', 'Olivia Park'], `${PASSWORD}\n`);
    expect(created, created.stderr).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('Created admin account olivia@example.com');

    const tooShort = await userCli(['create', '--data', dir, '--email', 'short@example.com', '--role', 'analyst'], 'eleven-char\n');
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain('at least 12 characters');
    const inArgv = await userCli(['create', '--data', dir, '--email', 'x@example.com', '--role', 'analyst', '--password', PASSWORD], '');
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain('never goes on the command line');

    const listed = await userCli(['list', '--data', dir], '');
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^olivia@example\.com\tadmin\tlocal\tOlivia Park\tcreated .*\tlast sign-in never\tactive$/),
    ]);

    const { app, services } = await buildConsole({ dataDir: dir });
    try {
      const signIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'olivia@example.com', password: PASSWORD } });
      expect(signIn.statusCode).toBe(200);
      expect((await userCli(['disable', 'olivia@example.com', '--data', dir], '')).code).toBe(0);
      expect((await services.auth.sessions.authenticate(/upwatch_session=([^;]+)/.exec(String(signIn.headers['set-cookie']))![1])) ?? null).toBeNull();
      const audit = await services.db.selectFrom('audit_log').select(['action', 'after']).where('action', 'like', 'account.%').orderBy('seq').execute();
      expect(audit.map((a) => [a.action, JSON.parse(a.after!).via])).toEqual([
        ['account.created', 'cli'],
        ['account.updated', 'cli'],
      ]);
    } finally {
      await app.close();
    }
  }, 60_000);
});
