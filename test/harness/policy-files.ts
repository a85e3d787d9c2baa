/**
 * Writes browser policy files (system files, root only) and removes them again on close and on any
 * exit of this process, even a failing or interrupted one.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CHROME_EXTENSION_ID, GECKO_ID } from './paths';

const written = new Set<string>();
let hooked = false;

function removeAll() {
  for (const path of written) rmSync(path, { force: true });
  written.clear();
}

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', removeAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeAll();
      process.exit(130);
    });
  }
}

export interface PolicyFile {
  path: string;
  update(policy: Record<string, unknown>): void;
  remove(): void;
}

function policyFile(path: string, render: (policy: Record<string, unknown>) => unknown, policy: Record<string, unknown>): PolicyFile {
  hookExit();
  mkdirSync(dirname(path), { recursive: true });
  const write = (p: Record<string, unknown>) => {
    written.add(path);
    writeFileSync(path, `${JSON.stringify(render(p), null, 2)}\n`);
  };
  write(policy);
  return {
    path,
    update: write,
    remove() {
      rmSync(path, { force: true });
      written.delete(path);
    },
  };
}

export const CHROMIUM_POLICY_DIR = '/etc/chromium/policies/managed';

/** Chromium on Linux: /etc/chromium/policies/managed/<name>.json with the extension's 3rdparty block. */
export function writeChromiumPolicy(name: string, policy: Record<string, unknown>, extensionId = CHROME_EXTENSION_ID): PolicyFile {
  return policyFile(`${CHROMIUM_POLICY_DIR}/${name}.json`, (p) => ({ '3rdparty': { extensions: { [extensionId]: p } } }), policy);
}

/** Firefox ESR on Debian reads policies.json from its distribution folder at start-up. */
export const FIREFOX_POLICY_PATH = '/usr/lib/firefox-esr/distribution/policies.json';

export function writeFirefoxPolicy(policy: Record<string, unknown>, path = FIREFOX_POLICY_PATH): PolicyFile {
  return policyFile(path, (p) => ({ policies: { '3rdparty': { Extensions: { [GECKO_ID]: p } } } }), policy);
}

/** Risk settings for test policies: every hour is a working hour, so off_hours does not depend on when a suite runs. */
export const ALL_HOURS_WORKING = { history: { workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' } } };

/** A policy delivering to a console (its ingest URL and token) around the clock, with `extra` keys. */
export function deliveringTo(console: { ingestUrl: string; token: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { backendUrl: console.ingestUrl, backendToken: console.token, riskSettings: ALL_HOURS_WORKING, ...extra };
}
