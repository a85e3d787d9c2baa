/** HTTPS is required for a backend, except on loopback (a local collector or the test console). */
export function backendUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'backend URL is not a valid URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `backend URL scheme ${url.protocol} is not supported`;
  const host = url.hostname;
  const loopback = host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
  return loopback ? undefined : 'backend URL must use HTTPS (plain HTTP is allowed only on loopback)';
}
