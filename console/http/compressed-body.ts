/**
 * Request bodies may be gzip-compressed (`Content-Encoding: gzip`, as the extension sends
 * batches). Bounded twice: the compressed bytes (declared and counted) before inflating, and the
 * inflated bytes by the route's body limit. Fastify applies that limit to the stream returned here
 * too, but only stops listening: the gunzip went on inflating what the socket had delivered (a
 * 5 MB bomb of zeros inflated ~190 MiB past a 20 MiB limit, console/limits.test.ts), so the limit
 * is also enforced here, where exceeding it stops the inflation. This runs in `preParsing`, after
 * authentication, so nothing is inflated for an unknown route or an unauthenticated caller.
 */
import type { FastifyRequest } from 'fastify';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HttpError } from './route';

export function inflateRequestBody(request: FastifyRequest, payload: Readable, maxCompressedBytes: number): Readable {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip') throw new HttpError(415, `unsupported content encoding ${encoding}: send gzip or identity`);
  const declared = Number(request.headers['content-length']);
  if (declared > maxCompressedBytes) throw new HttpError(413, `compressed body over ${maxCompressedBytes} bytes`);
  // The length now describes the compressed bytes, not what the parser will read.
  delete request.headers['content-length'];
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxCompressedBytes) callback(new HttpError(413, `compressed body over ${maxCompressedBytes} bytes`));
      else callback(null, chunk);
    },
  });
  const maxInflatedBytes = request.routeOptions.bodyLimit;
  let inflated = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      inflated += chunk.length;
      if (inflated > maxInflatedBytes) callback(new HttpError(413, `body over ${maxInflatedBytes} bytes once inflated`));
      else callback(null, chunk);
    },
  });
  // pipeline() forwards an error of any stage to the last one, which Fastify's body reader watches,
  // and destroys every stage, so the gunzip stops at the first byte over the limit.
  pipeline(payload, counter, createGunzip(), limiter, () => undefined);
  return limiter;
}
