// The built packages: manifest, permissions and Firefox lint, as a store reviewer sees them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_DIR, FIREFOX_EXTENSION_DIR, GECKO_ID, ROOT } from '../harness/paths';

const permissionsDoc = readFileSync(`${ROOT}docs/permissions.md`, 'utf8');
const manifest = (dir: string) => JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));

describe('the built packages', () => {
  it.each([CHROME_EXTENSION_DIR, FIREFOX_EXTENSION_DIR])('%s asks only for documented permissions', (dir) => {
    const m = manifest(dir);
    for (const permission of [...(m.permissions ?? []), ...(m.host_permissions ?? []), ...(m.optional_permissions ?? [])]) {
      expect(permissionsDoc, `docs/permissions.md must justify ${permission}`).toContain(`| \`${permission}\``);
    }
  });

  it.each([CHROME_EXTENSION_DIR, FIREFOX_EXTENSION_DIR])('%s has a strict CSP and no remote code', (dir) => {
    const csp: string = manifest(dir).content_security_policy.extension_pages;
    // 'wasm-unsafe-eval' compiles the packed content model runtime's WebAssembly only (docs/permissions.md); no other source, no eval.
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    expect(csp).not.toMatch(/(?<!wasm-)unsafe-eval|unsafe-inline|https?:\/\/[^ ;]*\.(com|net|org)/);
    expect(csp).toContain("object-src 'none'");
  });

  it('pins the Chrome extension ID with the public key only', () => {
    const m = manifest(CHROME_EXTENSION_DIR);
    expect(m.key).toBe(readFileSync(`${ROOT}public-key.txt`, 'utf8').trim());
    expect(m.key).not.toMatch(/PRIVATE/);
  });

  it('sets the gecko id for Firefox', () => {
    expect(manifest(FIREFOX_EXTENSION_DIR).browser_specific_settings.gecko.id).toBe(GECKO_ID);
  });

  it('passes web-ext lint with no errors and only documented warnings', () => {
    let out: string;
    try {
      out = execFileSync('npx', ['web-ext', 'lint', '--source-dir', FIREFOX_EXTENSION_DIR, '--output', 'json'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch (err) {
      // web-ext exits non-zero when it finds errors; its JSON report is still on stdout.
      out = (err as { stdout: string }).stdout;
    }
    const report = JSON.parse(out) as { errors: { code: string; message: string }[]; warnings: { code: string }[] };
    expect(report.errors).toEqual([]);
    for (const w of report.warnings) expect(permissionsDoc, `explain ${w.code}`).toContain(`| \`${w.code}\``);
  });
});
