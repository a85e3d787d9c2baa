// @vitest-environment node
/**
 * The XSOAR integration (integrations/xsoar/) against a real console listening on a port: the
 * Python runner there runs every command of Upwatch.yml through Upwatch.py with a stand-in XSOAR
 * runtime (standard library only), and this test checks that it ran them all and every check held.
 * What this cannot show — an import into a real XSOAR — is said in docs/integrations/xsoar.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAlertRule, makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const XSOAR = join(ROOT, 'integrations/xsoar');
const USERS = { alice: 'alice@acme.example', bob: 'bob@acme.example', carol: 'carol@acme.example', dave: 'dave@acme.example' };

/** The command names declared in the integration YAML (a `- name:` at the commands' indentation). */
const yamlCommands = () => [...readFileSync(join(XSOAR, 'Upwatch/Upwatch.yml'), 'utf8').matchAll(/^ {4}- name: (upwatch-[a-z-]+)$/gm)].map((m) => m[1]);
const playbook = () => readFileSync(join(XSOAR, 'Playbooks/playbook-Upwatch_Exfiltration.yml'), 'utf8');
/** The commands the script dispatches. */
const scriptCommands = () => [...readFileSync(join(XSOAR, 'Upwatch/Upwatch.py'), 'utf8').matchAll(/^ {4}'(upwatch-[a-z-]+)':/gm)].map((m) => m[1]);

let built: TestConsole;
let url: string;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
  url = await built.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => built.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const upload = (n: number, email: string, name: string) =>
  sampleEvent({ id: sampleId(n), observedAt: minutesAgo(30 - n), user: { email }, file: { name, size: 1000 * n, mimeType: 'application/pdf' } });

function runPython(env: Record<string, string>): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  const child = spawn('python3', [join(XSOAR, 'test/run_tests.py')], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stderr,
        lines: stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
  });
}

describe('the XSOAR integration', () => {
  it('declares in the YAML exactly the commands the script runs', () => {
    expect(yamlCommands().length).toBeGreaterThanOrEqual(14);
    expect(scriptCommands().sort()).toEqual(yamlCommands().sort());
  });

  it("has a playbook whose tasks all exist and whose Upwatch commands are the integration's", () => {
    const text = playbook();
    const tasks = new Set([...text.matchAll(/^ {2}'(\d+)':$/gm)].map((m) => m[1]));
    const next = [...text.matchAll(/^ {8}- '(\d+)'$/gm)].map((m) => m[1]);
    expect(next.length).toBeGreaterThan(10);
    expect(next.filter((id) => !tasks.has(id))).toEqual([]);
    const used = [...text.matchAll(/script: Upwatch\|\|\|([a-z-]+)/g)].map((m) => m[1]);
    expect(used.filter((c) => !yamlCommands().includes(c!))).toEqual([]);
    // The Code42 Exfiltration playbook's outcome: the alert is closed as a true or a false positive.
    expect(text).toMatch(/state:\n +simple: CLOSED_TP\n/);
    expect(text).toMatch(/state:\n +simple: CLOSED_FP\n/);
    expect(new Set(used)).toEqual(
      new Set(['upwatch-alert-get', 'upwatch-user-profile-get', 'upwatch-alert-update', 'upwatch-lookback', 'upwatch-legal-hold-add', 'upwatch-user-block']),
    );
  });

  it('runs every command against a running console, fetch-incidents by cursor included', async () => {
    await addAlertRule(built, { id: 'cloud', name: 'Uploads to cloud storage', conditions: { destinationCategories: ['cloud_storage'] } });
    // Alice's two uploads make one alert, then Bob's one: the order fetch-incidents must keep.
    for (const events of [[await upload(1, USERS.alice, 'roadmap.pdf'), await upload(2, USERS.alice, 'pricing.pdf')], [await upload(3, USERS.bob, 'cv.pdf')]]) {
      expect((await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events } })).statusCode).toBe(200);
    }
    const fixtures = join(built.dir, 'xsoar-fixtures.json');
    writeFileSync(fixtures, JSON.stringify({ ...USERS, later: [await upload(4, USERS.carol, 'a.pdf'), await upload(5, USERS.dave, 'b.pdf')] }));

    const { code, lines, stderr } = await runPython({
      UPWATCH_URL: url,
      UPWATCH_FIXTURES: fixtures,
      UPWATCH_INGEST_KEY: built.keys.ingest,
      UPWATCH_READ_ONLY_KEY: built.keys.read_only,
      UPWATCH_ANALYST_KEY: built.keys.analyst,
      UPWATCH_ADMIN_KEY: built.keys.admin,
    });
    const failed = lines.filter((l) => l.ok === false);
    expect(failed, JSON.stringify(failed, null, 1) + stderr).toEqual([]);
    expect(code, stderr).toBe(0);
    const summary = lines.at(-1) as { summary: boolean; tested: string[]; failures: string[] };
    expect(summary.summary).toBe(true);
    expect(lines.filter((l) => l.ok === true).length).toBe(11);
    expect(summary.tested.sort()).toEqual([...yamlCommands(), 'fetch-incidents', 'test-module', 'upwatch-no-such-command'].sort());
  }, 60_000);
});
