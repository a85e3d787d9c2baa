/**
 * Request bodies may be gzip-compressed (`Content-Encoding: gzip`, as the extension sends
 * batches). Bounded twice: the compressed bytes (declared and counted) before inflating, and the
 * inflated bytes by the route's body limit, which Fastify applies to the stream returned here. This
 * runs in `preParsing`, after authentication, so nothing is inflated for an unknown route or an
 * unauthenticated caller.
 */
import type { FastifyRequest } from 'fastify';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HttpError } from './route';

export function inflateRequestBody(request: FastifyRequest, payload: Readable, maxCompressedBytes: number): Readable {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
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
  const gunzip = createGunzip();
  // pipeline() forwards an error of any stage to the last one, which Fastify's body reader watches.
  pipeline(payload, counter, gunzip, () => undefined);
  return gunzip;
}
