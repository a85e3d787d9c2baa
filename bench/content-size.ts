/**
 * bench/content-size: what every frame loads eagerly (issue 13's budget: ≤ 10 KB per frame), read
 * from the built extensions' manifests: each content script with its world, their total per frame
 * (minified and gzip), and the scripts loaded only on demand (web-accessible), which no page pays
 * for until it needs them. UPWATCH_SIZE_BASELINE=<dir of a built chrome-mv3> prints another build
 * (the previous release) beside it, measured the same way in the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROME_EXTENSION_DIR, FIREFOX_EXTENSION_DIR, ROOT } from '../test/harness/paths';
import { fmt, printResult } from './lib';

interface Manifest {
  content_scripts?: { js?: string[]; world?: string; all_frames?: boolean }[];
  web_accessible_resources?: { resources?: string[] }[];
}

const kb = (bytes: number) => `${fmt(bytes / 1000, 2)} KB`;

/**
 * Rows for one build, and its eager bytes per frame: the top frame's (every script) is the most a
 * frame pays; a subframe pays only the all_frames scripts (the observer comes on demand, issue 13).
 */
export function buildSizes(dir: string, label = dir.split('/').pop()!): { rows: [string, string][]; perFrame: number; perSubframe: number } {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const rows: [string, string][] = [];
  let total = 0;
  let gzipped = 0;
  let subframe = 0;
  for (const script of manifest.content_scripts ?? []) {
    for (const js of script.js ?? []) {
      const bytes = readFileSync(join(dir, js));
      total += bytes.length;
      gzipped += gzipSync(bytes).length;
      if (script.all_frames) subframe += bytes.length;
      rows.push([`${label}/${js} (${script.world ?? 'ISOLATED'}, ${script.all_frames ? 'every frame' : 'top frame'})`, kb(bytes.length)]);
    }
  }
  rows.push([`${label} eager in the top frame`, `${kb(total)} (gzip ${kb(gzipped)}), ${manifest.content_scripts?.length ?? 0} scripts`]);
  rows.push([`${label} eager in a subframe`, kb(subframe)]);
  for (const js of (manifest.web_accessible_resources ?? []).flatMap((r) => r.resources ?? []).filter((r) => r.endsWith('.js'))) {
    if (existsSync(join(dir, js))) rows.push([`${label}/${js} (on demand)`, kb(readFileSync(join(dir, js)).length)]);
  }
  return { rows, perFrame: total, perSubframe: subframe };
}

export async function run(): Promise<void> {
  if (!existsSync(`${CHROME_EXTENSION_DIR}/manifest.json`)) execFileSync('npx', ['wxt', 'build', '-b', 'chrome'], { cwd: ROOT, stdio: 'inherit' });
  const builds = [CHROME_EXTENSION_DIR, FIREFOX_EXTENSION_DIR].filter((dir) => existsSync(`${dir}/manifest.json`)).map((dir) => buildSizes(dir));
  const baseline = process.env.UPWATCH_SIZE_BASELINE;
  if (baseline) builds.push(buildSizes(baseline, 'baseline'));
  printResult(
    'content-size: what every frame loads at document_start, and what loads on demand',
    builds.flatMap((b) => b.rows),
    [{ label: 'content scripts ≤ 10 KB per frame', met: builds.slice(0, baseline ? -1 : undefined).every((b) => b.perFrame <= 10_000) }],
  );
}
