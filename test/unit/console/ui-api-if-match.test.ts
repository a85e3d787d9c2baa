// @vitest-environment node
// The console UI's API client against a real console (fetch answered by app.inject): a GET gives the
// ETag, a change sent with it as If-Match is written, and a stale one is the 412 the pages show as
// "changed by someone else" (console/ui/src/pages/response-rules.tsx); nothing is written then.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, apiWithEtag, PRECONDITION_FAILED } from '../../../console/ui/src/api';
import { makeTestConsole, type TestConsole } from '../support/test-console';

let built: TestConsole;
/** Headers of each request the client made. */
let sent: Record<string, string>[];
beforeEach(async () => {
  built = await makeTestConsole();
  sent = [];
  vi.stubGlobal('fetch', async (path: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
    sent.push(init.headers);
    const answer = await built.app.inject({
      method: init.method as 'GET',
      url: path,
      headers: { ...init.headers, ...built.as('admin') },
      ...(init.body !== undefined && { payload: init.body }),
    });
    return new Response(answer.statusCode === 304 ? null : answer.body, {
      status: answer.statusCode,
      headers: Object.entries(answer.headers).map(([k, v]): [string, string] => [k, String(v)]),
    });
  });
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await built.close();
});

describe('the console UI API client with If-Match', () => {
  it('sends the ETag it loaded; a stale one is ApiError 412 and the other change stays', async () => {
    const loaded = await apiWithEtag<{ settings: Record<string, unknown> }>('/api/v1/policy');
    expect(loaded.etag).toMatch(/^".+"$/);

    // Someone else saves meanwhile.
    await built.app.inject({ method: 'PUT', url: '/api/v1/policy', headers: built.as('admin'), payload: { trustedDomains: ['theirs.example'] } });

    const stale = await api('/api/v1/policy', { method: 'PUT', body: { trustedDomains: ['mine.example'] }, ifMatch: loaded.etag! }).catch((e: unknown) => e);
    expect(sent.at(-1)).toMatchObject({ 'if-match': loaded.etag });
    expect(stale).toBeInstanceOf(ApiError);
    expect((stale as ApiError).status).toBe(PRECONDITION_FAILED);
    expect((stale as ApiError).message).toContain('changed since they were read');
    expect((await apiWithEtag<{ settings: Record<string, unknown> }>('/api/v1/policy')).data.settings).toEqual({ trustedDomains: ['theirs.example'] });

    const fresh = await apiWithEtag<{ settings: Record<string, unknown> }>('/api/v1/policy');
    const saved = await api<{ etag: string }>('/api/v1/policy', { method: 'PUT', body: fresh.data.settings, ifMatch: fresh.etag! });
    expect(saved.etag).toBe((await apiWithEtag('/api/v1/policy')).etag);
  });

  it('sends no If-Match unless asked', async () => {
    await api('/api/v1/policy', { method: 'PUT', body: {} });
    expect(sent.at(-1)).not.toHaveProperty('if-match');
  });
});
