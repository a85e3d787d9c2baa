/**
 * The demo: a console on loopback, a managed policy pointing Chromium's Upwatch at it, and a
 * person uploading sample files to Dropbox, Gmail, GitHub, ChatGPT and the trusted intranet (real
 * host names, served from local fixtures). Prints the events as the console stored them.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dropPaths, pickPathsTrusted } from './harness/actions';
import { launchChromium } from './harness/chromium';
import { startConsole } from './harness/console-process';
import { ROOT } from './harness/paths';
import { writeChromiumPolicy } from './harness/policy-files';
import { SAMPLES as FORMATS } from './harness/file-samples';
import { sampleFiles } from './harness/sample-files';
import type { FileEvent } from '../src/core/schema/event';

const OUT = `${ROOT}demo-output`;

const UPLOADS: { url: string; how: 'pick' | 'drop'; files: string[] }[] = [
  { url: 'https://www.dropbox.com/home', how: 'pick', files: ['payroll-2026.xlsx', 'holiday-photo.jpg'] },
  { url: 'https://mail.google.com/mail/u/0/#inbox?compose=new', how: 'drop', files: ['customer-list.csv'] },
  { url: 'https://github.com/personal-account/side-project/upload/main', how: 'drop', files: ['payments-service'] },
  { url: 'https://chatgpt.com/', how: 'pick', files: ['board-strategy.pdf'] },
  { url: 'https://intranet.acme.example/documents', how: 'pick', files: ['team-handbook.docx'] },
];

const real = (ext: string) => Buffer.from(FORMATS[ext]!);

const SAMPLES: Record<string, string | Buffer> = {
  'payroll-2026.xlsx': real('xlsx'),
  // Source code renamed to look like a photo: the content says otherwise (file_mismatch).
  'holiday-photo.jpg': real('py'),
  'customer-list.csv': 'id,name,email\n1,Ana,ana@example.com\n',
  'payments-service/src/charge.py': 'def charge(card, amount):\n    return gateway.charge(card, amount)\n',
  'payments-service/src/refund.py': 'def refund(charge_id):\n    return gateway.refund(charge_id)\n',
  'payments-service/config/prod.env': 'STRIPE_KEY=sk_live_example\n',
  'board-strategy.pdf': real('pdf'),
  'team-handbook.docx': real('docx'),
};

function table(events: FileEvent[]): string {
  const rows = events.map((e) => [
    e.file.relativePath ?? e.file.name,
    e.destination.serviceName ?? e.destination.host,
    e.destination.trusted ? `${e.destination.category} (trusted)` : e.destination.category,
    e.risk.indicators.map((i) => `${i.id}+${i.weight}`).join(' ') || '-',
    String(e.risk.score),
    e.risk.severity,
  ]);
  const header = ['file', 'destination', 'category', 'indicators', 'score', 'severity'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const files = sampleFiles(SAMPLES);
  const console_ = await startConsole({ dataDir: `${OUT}/console-data` });
  const policy = writeChromiumPolicy('upwatch-demo', {
    backendUrl: console_.ingestUrl,
    backendToken: console_.token,
    userEmail: 'demo.user@acme.example',
    trustedDomains: ['intranet.acme.example'],
  });
  const browser = await launchChromium();
  try {
    console.log(`Console on ${console_.url}; policy at ${policy.path}\n`);
    let expected = 0;
    for (const upload of UPLOADS) {
      const page = await browser.context.newPage();
      await page.goto(upload.url);
      const paths = upload.files.map((f) => files.path(f));
      if (upload.how === 'pick') await pickPathsTrusted(page, "document.getElementById('picker')", paths);
      else await dropPaths(page, '#dropzone', paths);
      // A dropped folder gives one event per file inside it.
      expected += Object.keys(SAMPLES).filter((p) => upload.files.some((f) => p === f || p.startsWith(`${f}/`))).length;
      console.log(`  ${upload.how === 'pick' ? 'picked' : 'dropped'} ${upload.files.join(', ')} on ${upload.url}`);
      await console_.waitForEvents((all) => all.length >= expected, 60_000);
      await page.close();
    }
    const events = await console_.events();
    console.log(`\nThe console stored ${events.length} events (newest first):\n`);
    console.log(table(events));

    const popup = await browser.openPopup();
    await popup.setViewportSize({ width: 400, height: 600 });
    await popup.screenshot({ path: `${OUT}/popup.png`, fullPage: true });
    console.log(`\nPopup screenshot: ${OUT}/popup.png`);
  } finally {
    await browser.close();
    policy.remove();
    await console_.close();
    files.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
