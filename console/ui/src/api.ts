/**
 * Every call the UI makes to the console's API: same origin, the session cookie, and the CSRF token
 * on every change. Errors carry the console's own message, which the pages show as it is (text).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The rest of the console's error body (a 400's `problems`, …). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The status a write answers when the If-Match it sent is stale: someone else changed the thing since it was read. */
export const PRECONDITION_FAILED = 412;

async function send<T>(path: string, init: { method?: string; body?: unknown; ifMatch?: string }): Promise<{ data: T; etag: string | null }> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (init.ifMatch !== undefined) headers['if-match'] = init.ifMatch;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const message = data && typeof data === 'object' && 'error' in data ? String((data as { error: unknown }).error) : `the console answered ${res.status}`;
    if (res.status === 401) window.dispatchEvent(new CustomEvent('upwatch:signed-out'));
    throw new ApiError(res.status, message, data && typeof data === 'object' ? (data as Record<string, unknown>) : {});
  }
  return { data: data as T, etag: res.headers.get('etag') };
}

/** `ifMatch`: the ETag of what the change was made to; a stale one gets ApiError 412 (PRECONDITION_FAILED) and nothing is written. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; ifMatch?: string } = {}): Promise<T> {
  return (await send<T>(path, init)).data;
}

/** A GET that also answers the ETag, to send back as If-Match with a change to what it read. */
export function apiWithEtag<T>(path: string): Promise<{ data: T; etag: string | null }> {
  return send<T>(path, {});
}

/** A query string from the set values of an object (empty strings and undefined are left out). */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}
