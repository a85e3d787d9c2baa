/**
 * bench/delivery: 10,000 queued events drained from the outbox into the reference console over
 * HTTP on loopback (goal ≤ 10 s), with gzip and without, and the bytes per event on the wire for
 * each, side by side. The outbox runs on fake-indexeddb in Node; in the browser IndexedDB is native.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipWithCompressionStream, Outbox } from '../src/background/outbox';
import { openDatabase } from '../src/background/db';
import { buildFileEvent } from '../src/core/build-event';
import { nativeFormat } from '../src/core/formats/native';
import { DEFAULT_RISK_SETTINGS } from '../src/core/risk/settings';
import type { FileEvent } from '../src/core/schema/event';
import { startConsole } from '../test/harness/in-process-console';
import { fmt, printResult } from './lib';

const EVENTS = 10_000;
const HOSTS = [
  'https://www.dropbox.com/home',
  'https://mail.google.com/mail/u/0/',
  'https://chatgpt.com/',
  'https://github.com/acme/app',
  'https://example.org/',
];
const NAMES = ['payroll.xlsx', 'main.py', 'board-deck.pptx', 'contract.pdf', 'notes.txt', 'photo.jpg'];

async function makeEvents(offset: number): Promise<FileEvent[]> {
  const events: FileEvent[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const n = offset + i;
    events.push(
      await buildFileEvent({
        id: `0190a0e2-7c4b-7def-8abc-${String(n).padStart(12, '0')}`,
        observedAt: new Date(Date.parse('2026-11-23T10:00:00Z') + n * 1000).toISOString(),
        channel: 'file_picker',
        trustedEvent: true,
        file: { name: NAMES[n % NAMES.length]!, size: 1000 + n, mimeType: '' },
        tab: { url: HOSTS[n % HOSTS.length]!, title: 'Upload' },
        user: { email: 'ana@acme.example' },
        device: { browser: 'Chrome', browserVersion: '156', os: 'linux', extensionVersion: '0.1.0' },
        destinationOptions: {},
        keepUrlQuery: false,
        settings: DEFAULT_RISK_SETTINGS,
        context: { destinationUse: n % 7 === 0 ? 'first' : 'known' },
      }),
    );
  }
  return events;
}

async function drain(label: string, gzip: boolean, offset: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'upwatch-bench-delivery-'));
  const console_ = await startConsole({ dataDir });
  try {
    let bytes = 0;
    let requests = 0;
    const counting = (async (url: string, init: RequestInit) => {
      requests++;
      bytes += typeof init.body === 'string' ? Buffer.byteLength(init.body) : (init.body as Uint8Array).byteLength;
      return fetch(url, init);
    }) as typeof fetch;
    const db = await openDatabase(`bench-delivery-${label}`);
    const outbox = new Outbox({
      db,
      fetch: counting,
      now: Date.now,
      random: Math.random,
      target: async () => ({ url: console_.ingestUrl, token: console_.token, format: nativeFormat, maxBatchEvents: 500, maxBatchBytes: 4 * 1024 * 1024 }),
      ...(gzip && { gzip: gzipWithCompressionStream }),
    });
    await outbox.enqueue(await makeEvents(offset));
    const start = performance.now();
    const result = await outbox.flush();
    const seconds = (performance.now() - start) / 1000;
    const stored = (await console_.events()).length;
    if (result.remaining !== 0 || stored !== EVENTS) throw new Error(`${label}: ${stored} stored, ${result.remaining} left (${result.error ?? ''})`);
    return { seconds, bytesPerEvent: bytes / EVENTS, requests };
  } finally {
    await console_.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const plain = await drain('plain', false, 0);
  const gzip = await drain('gzip', true, EVENTS);
  printResult(
    `delivery: ${fmt(EVENTS)} queued events drained into the console (batches of up to 500)`,
    [
      ['with gzip: time', `${fmt(gzip.seconds, 2)} s (${fmt(EVENTS / gzip.seconds)} events/s, ${gzip.requests} requests)`],
      ['without gzip: time', `${fmt(plain.seconds, 2)} s (${fmt(EVENTS / plain.seconds)} events/s, ${plain.requests} requests)`],
      ['bytes per event on the wire, gzip', `${fmt(gzip.bytesPerEvent, 0)} B`],
      ['bytes per event on the wire, plain', `${fmt(plain.bytesPerEvent, 0)} B`],
      ['gzip saves', `${fmt(100 * (1 - gzip.bytesPerEvent / plain.bytesPerEvent), 1)} %`],
    ],
    [{ label: '10,000 events drained in ≤ 10 s', met: gzip.seconds <= 10 && plain.seconds <= 10 }],
  );
}
