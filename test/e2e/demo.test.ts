/**
 * `npm run demo`, the README's first command, as a user runs it (after its set-up and builds, which
 * the e2e set-up has done): a real console, real Chromium with the built extension, uploads to five
 * destinations. Asserts what the user is told and given: every upload stored with its destination
 * and verdict, the alert the analyst's rule raised, the filtered search, the audit log, both
 * screenshots, a sign-in that works, and no policy file left behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../harness/paths';
import { CHROMIUM_POLICY_DIR } from '../harness/policy-files';

const out = mkdtempSync(join(tmpdir(), 'upwatch-demo-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/demo.ts'], { cwd: ROOT, env: { ...process.env, UPWATCH_DEMO_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('npm run demo', () => {
  it('shows every upload scored, the alert, the search and the audit log, saves both screenshots, and cleans up', { timeout: 240_000 }, async () => {
    const demo = await runDemo();
    expect(demo.stderr).not.toMatch(/Error|timed out/);
    expect(demo.code).toBe(0);
    const text = demo.stdout;

    // Eight files in five uploads (a dropped folder of three), each a row of the stored events.
    expect(text).toContain('The console stored 8 events');
    const table = text.slice(text.indexOf('The console stored'), text.indexOf('Open alerts'));
    for (const file of [
      'payroll-2026.xlsx',
      'holiday-photo.jpg',
      'customer-list.csv',
      'payments-service/src/charge.py',
      'board-strategy.pdf',
      'team-handbook.docx',
    ])
      expect(table).toContain(file);
    const row = (file: string) => table.split('\n').find((line) => line.startsWith(file)) ?? '';
    // Source code renamed as a photo is caught by its content; the trusted intranet has no indicator and scores 0.
    expect(row('holiday-photo.jpg')).toContain('file_mismatch');
    expect(row('payroll-2026.xlsx')).toMatch(/Dropbox\s+cloud_storage/);
    expect(row('team-handbook.docx')).toMatch(/\(trusted\)\s+-\s+0\s+none\s*$/);
    expect(row('board-strategy.pdf')).toContain('ai_tools');

    // The analyst's rule on the departing watchlist raised an alert, and the search found the critical uploads.
    const alerts = text.slice(text.indexOf('Open alerts'), text.indexOf('Forensic search'));
    expect(alerts).toContain('Departing employee: high-risk upload');
    expect(alerts).toContain('demo.user@acme.example');
    const search = text.slice(text.indexOf('Forensic search'), text.indexOf('Audit log'));
    expect(search).toContain('payments-service/src/charge.py');
    expect(text.slice(text.indexOf('Audit log'))).toMatch(/alert_rule/);

    for (const shot of ['popup.png', 'console.png']) expect(readFileSync(join(out, shot)).subarray(0, 8)).toEqual(PNG);
    expect(text).toMatch(/sign in as analyst@acme\.example with the password \S{16}/);
    // The managed policy the demo wrote for Chromium is gone.
    expect(existsSync(CHROMIUM_POLICY_DIR) ? readdirSync(CHROMIUM_POLICY_DIR).filter((f) => f.startsWith('upwatch-demo')) : []).toEqual([]);
  });
});
