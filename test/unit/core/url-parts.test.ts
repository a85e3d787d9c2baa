// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { plainUrlParts, urlPartsByParser, usableUrlParts } from '../../../src/core/destinations/url-parts';
import { seededRandom } from '../../../bench/lib';

const pick = <T>(random: () => number, items: readonly T[]) => items[Math.floor(random() * items.length)]!;

const SCHEMES = ['https://', 'http://', 'HTTPS://', 'Http://', 'ftp://', ' https://', 'https:/', 'https:', 'https:///', 'javascript:'];
const USERINFO = ['', '', '', 'u@', 'u:p@', 'a.com@'];
const LABELS = [
  'a',
  'mail',
  'Google',
  'com',
  'xn--bcher-kva',
  'münchen',
  '1',
  '0x7f',
  '256',
  '08',
  'ex-ample',
  '-a',
  'a-',
  '',
  'co',
  'uk',
  'ab--cd',
  'x'.repeat(64),
  'a\tb',
  'a%2e',
  'a_b',
];
const PORTS = ['', '', ':80', ':443', ':65535', ':65536', ':99999', ':', ':8x'];
const SEGMENTS = ['', 'a', 'Messages', '.', '..', '%2e', '%2E%2e', 'a b', '\\', 'é', '~x', '@', ':', 'i', 'grok', "it's", '{x}', '|'];
const TAILS = ['', '', '?q=1', '#f', '?a#b', '\t', ' ', '\n'];

const PLAIN_LABELS = ['a', 'mail', 'Google', 'com', 'co', 'uk', 'ex-ample', 'x1'];
const PLAIN_SEGMENTS = ['', 'a', 'Messages', 'i', 'grok', '@', ':', '~x'];

/** Half the URLs are built from plain pieces (the fast path's ground), half from anything. */
function fuzzUrl(random: () => number): string {
  const plain = random() < 0.5;
  const labels = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, plain ? PLAIN_LABELS : LABELS));
  const host = labels.join('.') + (random() < 0.1 ? '.' : '');
  const segments = Array.from({ length: Math.floor(random() * 4) }, () => pick(random, plain ? PLAIN_SEGMENTS : SEGMENTS));
  const path = segments.length ? `/${segments.join(random() < 0.9 ? '/' : '\\')}` : '';
  if (plain) return `${pick(random, SCHEMES.slice(0, 4))}${host}${pick(random, ['', ':443', ':65536'])}${path}${pick(random, TAILS.slice(0, 5))}`;
  return `${pick(random, SCHEMES)}${pick(random, USERINFO)}${host}${pick(random, PORTS)}${path}${pick(random, TAILS)}`;
}

describe('usableUrlParts', () => {
  it('agrees with the WHATWG URL parser on 30,000 fuzzed URLs', () => {
    const random = seededRandom(7);
    const disagreements: string[] = [];
    let fastPath = 0;
    let parser = 0;
    for (let i = 0; i < 30_000; i++) {
      const url = fuzzUrl(random);
      const reference = urlPartsByParser(url);
      const fast = plainUrlParts(url);
      if (fast) fastPath++;
      else if (reference) parser++;
      if (fast && JSON.stringify(fast) !== JSON.stringify(reference)) disagreements.push(url);
      if (JSON.stringify(usableUrlParts(url)) !== JSON.stringify(reference)) disagreements.push(url);
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // The fuzzer reaches both the fast path and URLs only the parser can read.
    expect(fastPath).toBeGreaterThan(3_000);
    expect(parser).toBeGreaterThan(3_000);
  });

  it.each([
    ['https://X.com/Messages/../Home', { host: 'x.com', path: '/home' }],
    ['https://x.com/%6Dessages', { host: 'x.com', path: '/%6dessages' }],
    ['https://drive.google.com@evil.example/', { host: 'evil.example', path: '/' }],
    ['http://0x7f.1/', { host: '127.0.0.1', path: '/' }],
    ['https://mail.google.com./mail', { host: 'mail.google.com', path: '/mail' }],
    ['https://a.example:70000/', undefined],
    ['https://bücher.de/x', { host: 'xn--bcher-kva.de', path: '/x' }],
  ])('%s', (url, expected) => {
    expect(usableUrlParts(url)).toEqual(expected);
  });
});
