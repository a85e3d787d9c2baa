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

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
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
  return data as T;
}

/** A query string from the set values of an object (empty strings and undefined are left out). */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}
