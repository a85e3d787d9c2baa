/**
 * The host and path of a usable (http or https) URL, for classification. The WHATWG URL parser is
 * the reference; a fast path handles the plain URLs that make up nearly all traffic and hands
 * anything unusual (percent escapes, dot segments, backslashes, IP-like or IDN hosts, userinfo,
 * whitespace) to the parser, so both always agree (a unit test compares them on fuzzed input).
 */
export interface UrlParts {
  /** Lower case, punycode, no trailing dot, IPv6 in brackets. */
  host: string;
  /** Lower case, as the URL parser normalises it. */
  path: string;
}

const MAX_URL_LENGTH = 65_536;

/** The reference: WHATWG URL. */
export function urlPartsByParser(raw: string): UrlParts | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  let host = url.hostname.toLowerCase();
  if (host.endsWith('.')) host = host.replace(/\.+$/, '');
  if (!host) return undefined;
  return { host, path: url.pathname.toLowerCase() };
}

/**
 * Scheme; a host of ASCII labels whose last label starts with a letter (so never an IPv4 number
 * form) and where no label starts with "xn--"; an optional port; a path without ".", "%", "\\" or
 * anything the parser would encode; then the end, a query or a fragment.
 */
const PLAIN_URL =
  /^https?:\/\/((?:(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*(?!xn--)[a-z][a-z0-9-]{0,62})\.?(?::(\d{1,5}))?((?:\/[a-z0-9\-_~!$&'()*+,;=:@]*)*)(?:[?#]|$)/i;

/** The fast path alone: parts of a plain URL, or undefined when the URL needs the parser. */
export function plainUrlParts(raw: string): UrlParts | undefined {
  const plain = PLAIN_URL.exec(raw);
  if (!plain || (plain[2] !== undefined && Number(plain[2]) > 65_535)) return undefined;
  return { host: plain[1]!.toLowerCase(), path: plain[3] ? plain[3].toLowerCase() : '/' };
}

export function usableUrlParts(raw: unknown): UrlParts | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return undefined;
  return plainUrlParts(raw) ?? urlPartsByParser(raw);
}
