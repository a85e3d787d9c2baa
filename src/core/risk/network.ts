/**
 * Remote: is the client IP (as the backend saw it) outside the policy's in-network CIDRs?
 * IPv4 and IPv6, with IPv4-mapped IPv6 addresses (::ffff:10.1.2.3) treated as IPv4.
 */
import type { UnevaluatedIndicator } from './score';
/** The longest client IP text kept: an IPv6 address with a zone fits. */
export const MAX_CLIENT_IP_CHARS = 64;

/**
 * The one check on a client IP a backend reports (a JSON `clientIp` or an X-Client-Ip header):
 * a non-empty string of at most MAX_CLIENT_IP_CHARS, else undefined. Whether it is an address is
 * decided where it is used (`isRemote`), so a bad one is reported rather than silently dropped.
 */
export function reportedClientIp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ip = value.trim();
  return ip.length > 0 && ip.length <= MAX_CLIENT_IP_CHARS ? ip : undefined;
}

interface Cidr {
  v6: boolean;
  base: bigint;
  mask: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseIpv6(s: string): bigint | undefined {
  let text = s.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0 || (halves.length === 2 && missing < 1)) return undefined;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** An address as [isV6, value]; IPv4-mapped IPv6 comes back as IPv4. */
export function parseIp(raw: string): { v6: boolean; value: bigint } | undefined {
  const s = raw.trim().replace(/^\[|\]$/g, '');
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { v6: false, value: v4 };
  const v6 = parseIpv6(s);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn && (v6 & ~0xffffffffn) === MAPPED_PREFIX) return { v6: false, value: v6 & 0xffffffffn };
  return { v6: true, value: v6 };
}

export function parseCidr(raw: string): Cidr | undefined {
  const [address, prefixText, extra] = raw.trim().split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const all = (1n << BigInt(bits)) - 1n;
  const mask = prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all;
  return { v6: ip.v6, base: ip.value & mask, mask };
}

const parsedLists = new WeakMap<readonly string[], Cidr[]>();

/** True or false when the IP is known; undefined when it is not (or not an IP), so the indicator is not applied. */
export function isRemote(clientIp: string | undefined, cidrs: readonly string[]): boolean | undefined {
  if (!clientIp || cidrs.length === 0) return undefined;
  const ip = parseIp(clientIp);
  if (!ip) return undefined;
  let parsed = parsedLists.get(cidrs);
  if (!parsed) {
    parsed = cidrs.map(parseCidr).filter((c): c is Cidr => c !== undefined);
    parsedLists.set(cidrs, parsed);
  }
  if (parsed.length === 0) return undefined;
  return !parsed.some((c) => c.v6 === ip.v6 && (ip.value & c.mask) === c.base);
}

/** The client IP a backend last reported, and when. */
export interface ClientIpReport {
  clientIp: string;
  reportedAt: number;
}

/** A client IP older than this is treated as unknown: the person may have moved. */
export const CLIENT_IP_MAX_AGE_MS = 24 * 3_600_000;

/**
 * The remote indicator for an upload at `now`: nothing without in-network CIDRs; otherwise true or
 * false, or unevaluated (with the reason) when the client IP is unknown, stale or not an address.
 */
export function remoteVerdict(
  report: ClientIpReport | null | undefined,
  now: number,
  cidrs: readonly string[],
): { remote?: boolean; unevaluated?: UnevaluatedIndicator } {
  if (cidrs.length === 0) return {};
  const known = report && now - report.reportedAt <= CLIENT_IP_MAX_AGE_MS ? report.clientIp : undefined;
  const remote = isRemote(known, cidrs);
  if (remote === undefined) {
    return {
      unevaluated: { id: 'remote', reason: known ? `client IP ${known} is not an IP address` : 'client IP unknown: the backend has not reported it yet' },
    };
  }
  return { remote };
}
