// @vitest-environment node
/**
 * Every sample policy in docs/deployment is loaded here the way its platform would read it, and
 * Upwatch's part must validate key by key with no errors and no unknown keys.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID as CHROME_ID, GECKO_ID } from '../../src/core/extension-ids';
import { parsePolicy } from '../../src/core/schema/policy';

const DIR = new URL('../../docs/deployment/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

function expectValid(policy: unknown) {
  const parsed = parsePolicy(policy);
  expect(parsed.errors).toEqual([]);
  expect(parsed.ignoredKeys).toEqual([]);
  expect(parsed.policy.backendUrl).toMatch(/^https:\/\//);
  return parsed.policy;
}

/** A .reg file as the Windows registry would hold it: key path → values (REG_SZ, REG_DWORD). */
function parseReg(text: string): Map<string, Record<string, string | number>> {
  const keys = new Map<string, Record<string, string | number>>();
  let current: Record<string, string | number> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\[(.+)\]$/.exec(line.trim());
    if (section) {
      current = {};
      keys.set(section[1]!, current);
      continue;
    }
    const value = /^"((?:[^"\\]|\\.)*)"=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-fA-F]{8}))$/.exec(line.trim());
    if (value && current) {
      current[value[1]!] = value[2] !== undefined ? value[2].replace(/\\(.)/g, '$1') : parseInt(value[3]!, 16);
    }
  }
  return keys;
}

/** Chrome's registry reading of a 3rdparty policy: numbered subkeys are lists, JSON strings objects, DWORDs by schema. */
function chromeRegistryPolicy(keys: Map<string, Record<string, string | number>>, base: string) {
  const booleans = new Set(['keepUrlQuery', 'showEventList', 'departingWatchlist']);
  const policy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(keys.get(base) ?? {})) {
    if (typeof value === 'number') policy[name] = booleans.has(name) ? value !== 0 : value;
    else policy[name] = value.startsWith('{') ? JSON.parse(value) : value;
  }
  for (const [path, values] of keys) {
    if (path.startsWith(`${base}\\`))
      policy[path.slice(base.length + 1)] = Object.keys(values)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => values[k]);
  }
  return policy;
}

type Plist = string | number | boolean | Plist[] | { [key: string]: Plist };

/** A minimal property-list reader: dict, array, key, string, integer, true, false. */
function parsePlist(xml: string): Plist {
  const tokens = [...xml.replace(/<\?xml[^>]*>|<!DOCTYPE[^>]*>/g, '').matchAll(/<(\/?)(\w+)(\/?)>([^<]*)/g)];
  let i = 0;
  const value = (): Plist => {
    const [, close, tag, selfClosing, text] = tokens[i++]!;
    if (close) throw new Error(`unexpected </${tag}>`);
    if (selfClosing) return tag === 'true';
    if (tag === 'plist') {
      const v = value();
      i++;
      return v;
    }
    if (tag === 'string' || tag === 'integer') {
      i++; // closing tag
      return tag === 'integer' ? Number(text) : text!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    }
    if (tag === 'array') {
      const items: Plist[] = [];
      while (!(tokens[i]![1] && tokens[i]![2] === 'array')) items.push(value());
      i++;
      return items;
    }
    if (tag === 'dict') {
      const dict: Record<string, Plist> = {};
      while (!(tokens[i]![1] && tokens[i]![2] === 'dict')) {
        const key = tokens[i]![4]!;
        i += 2; // <key>, </key>
        dict[key] = value();
      }
      i++;
      return dict;
    }
    throw new Error(`unsupported <${tag}>`);
  };
  return value();
}

describe('sample policies in docs/deployment', () => {
  it.each(['chrome-linux.json', 'edge-linux.json'])('%s: force-installs Upwatch and configures it', (name) => {
    const json = JSON.parse(read(name));
    expect(json.ExtensionSettings[CHROME_ID].installation_mode).toBe('force_installed');
    expectValid(json['3rdparty'].extensions[CHROME_ID]);
  });

  it.each([
    ['windows-chrome.reg', 'Google\\Chrome'],
    ['windows-edge.reg', 'Microsoft\\Edge'],
  ])('%s: force-install list and the 3rdparty policy key', (name, vendor) => {
    const keys = parseReg(read(name));
    const forcelist = keys.get(`HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${vendor}\\ExtensionInstallForcelist`)!;
    expect(String(forcelist['1'])).toMatch(new RegExp(`^${CHROME_ID};https://`));
    const policy = expectValid(chromeRegistryPolicy(keys, `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${vendor}\\3rdparty\\extensions\\${CHROME_ID}\\policy`));
    expect(policy.trustedDomains).toEqual(['acme.example', 'github.com/acme-corp/', 'acme.sharepoint.com']);
    expect(policy.riskSettings?.version).toBe('acme-2026-11');
    expect(policy.showEventList).toBe(true);
  });

  it('macos-chrome.mobileconfig: a Chrome payload that force-installs, and the extension domain payload', () => {
    const profile = parsePlist(read('macos-chrome.mobileconfig')) as Record<string, Plist>;
    const payloads = profile.PayloadContent as Record<string, Plist>[];
    const chrome = payloads.find((p) => p.PayloadType === 'com.google.Chrome')!;
    expect((chrome.ExtensionInstallForcelist as string[])[0]).toMatch(new RegExp(`^${CHROME_ID};`));
    const ext = payloads.find((p) => p.PayloadType === `com.google.Chrome.extensions.${CHROME_ID}`)!;
    const policy = Object.fromEntries(Object.entries(ext).filter(([k]) => !k.startsWith('Payload')));
    expect(expectValid(policy).keepUrlQuery).toBe(false);
  });

  it('google-admin-console.json: the "Policy for extensions" JSON, each key wrapped in Value', () => {
    const wrapped = JSON.parse(read('google-admin-console.json')) as Record<string, { Value: unknown }>;
    expectValid(Object.fromEntries(Object.entries(wrapped).map(([k, v]) => [k, v.Value])));
  });

  it('firefox-policies.json: ExtensionSettings force-install and 3rdparty', () => {
    const { policies } = JSON.parse(read('firefox-policies.json'));
    expect(policies.ExtensionSettings[GECKO_ID]).toMatchObject({ installation_mode: 'force_installed', install_url: expect.stringMatching(/^https:\/\//) });
    expectValid(policies['3rdparty'].Extensions[GECKO_ID]);
  });
});

// Issue 15, item 8: private windows and guest profiles run without the extension, and developer
// tools can stop its worker; every sample closes them.
describe('the blind spots every sample closes', () => {
  const CHROMIUM_BLIND_SPOTS = { BrowserGuestModeEnabled: false, DeveloperToolsAvailability: 2 };
  const registryBooleans = (values: Record<string, string | number>) => ({
    ...values,
    BrowserGuestModeEnabled: values.BrowserGuestModeEnabled === undefined ? undefined : values.BrowserGuestModeEnabled !== 0,
  });

  it.each([
    ['chrome-linux.json', 'IncognitoModeAvailability'],
    ['edge-linux.json', 'InPrivateModeAvailability'],
  ])('%s: no private windows, no guest profile, no developer tools', (name, privateKey) => {
    expect(JSON.parse(read(name))).toMatchObject({ ...CHROMIUM_BLIND_SPOTS, [privateKey]: 1 });
  });

  it.each([
    ['windows-chrome.reg', 'Google\\Chrome', 'IncognitoModeAvailability'],
    ['windows-edge.reg', 'Microsoft\\Edge', 'InPrivateModeAvailability'],
  ])('%s: the browser policy key holds them', (name, vendor, privateKey) => {
    const values = parseReg(read(name)).get(`HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${vendor}`) ?? {};
    expect(registryBooleans(values)).toMatchObject({ ...CHROMIUM_BLIND_SPOTS, [privateKey]: 1 });
  });

  it('macos-chrome.mobileconfig: in the com.google.Chrome payload', () => {
    const profile = parsePlist(read('macos-chrome.mobileconfig')) as Record<string, Plist>;
    const chrome = (profile.PayloadContent as Record<string, Plist>[]).find((p) => p.PayloadType === 'com.google.Chrome')!;
    expect(chrome).toMatchObject({ ...CHROMIUM_BLIND_SPOTS, IncognitoModeAvailability: 1 });
  });

  it('firefox-policies.json: Upwatch runs in private windows, developer tools are off', () => {
    const { policies } = JSON.parse(read('firefox-policies.json'));
    expect(policies.ExtensionSettings[GECKO_ID].private_browsing).toBe(true);
    expect(policies.DisableDeveloperTools).toBe(true);
  });

  it('google-admin-console.json: the guide names the three browser settings beside it', () => {
    const guide = readFileSync(new URL('../../docs/admin-deployment.md', import.meta.url), 'utf8');
    const section = guide.slice(guide.indexOf('## Google Admin console'), guide.indexOf('## Firefox'));
    for (const setting of ['*Incognito mode*: disallow', '*Browser guest mode*: prevent guest sessions', '*Developer tools*: never allow'])
      expect(section).toContain(setting);
  });
});

describe('the extension ids the samples use', () => {
  it('CHROME_EXTENSION_ID is the one the public key in public-key.txt gives', () => {
    // https://developer.chrome.com/docs/extensions/reference/manifest/key: sha256 of the DER key,
    // the first 32 hex digits, each mapped 0-f → a-p.
    const der = Buffer.from(readFileSync(new URL('../../public-key.txt', import.meta.url), 'utf8').trim(), 'base64');
    const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
    expect([...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('')).toBe(CHROME_ID);
  });
});
