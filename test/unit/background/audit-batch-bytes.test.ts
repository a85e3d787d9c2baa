// @vitest-environment node
/**
 * backendBatchMaxBytes bounds the request body as sent ("at most this many bytes per request body
 * before compression"), in every wire format: an ECS or OCSF body is about twice the native event,
 * and a proxy that refuses (or drops) bodies over its limit must never see one.
 */
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import type { BackendTarget } from '../../../src/core/effective-config';
import { wireFormatFor } from '../../../src/core/formats';
import type { BackendFormat } from '../../../src/core/schema/identifiers';
import { sampleEvent, sampleId } from '../support/sample-event';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const LIMIT = 16_384;
let dbCounter = 0;

describe('backendBatchMaxBytes', () => {
  it.each(['native', 'splunk_hec', 'elastic', 'ocsf'] as const)(
    '%s: no body is larger than the limit, and every event arrives once, in order',
    async (format: BackendFormat) => {
      const bodies: Buffer[] = [];
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          bodies.push(Buffer.concat(chunks));
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        });
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
      const target: BackendTarget = { url, token: 'tok', format: wireFormatFor(format), maxBatchEvents: 200, maxBatchBytes: LIMIT };
      const db = await openDatabase(`audit-bytes-${++dbCounter}`);
      const outbox = new Outbox({ db, fetch: globalThis.fetch, now: () => 1000, random: () => 0, target: async () => target });
      // Each event about 1.2 KB as stored: 12 of them fit the limit as counted before they are encoded.
      const events = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          sampleEvent({ id: sampleId(n), file: { name: `${'quarterly-report-'.repeat(40)}${n}.pdf`, size: 1, mimeType: '' } }),
        ),
      );
      await outbox.enqueue(events);
      expect(await outbox.flush()).toEqual({ sent: 12, remaining: 0 });
      for (const body of bodies) expect(body.length).toBeLessThanOrEqual(LIMIT);
      const sent = bodies.flatMap((b) => b.toString().match(/0190a0e2-7c4b-7def-8abc-\d{12}/g) ?? []);
      expect([...new Set(sent)]).toEqual(events.map((e) => e.id));
    },
  );
});
