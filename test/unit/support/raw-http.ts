/**
 * HTTP/1.1 written by hand over a TCP socket, so the request target reaches the server exactly as
 * written (no client normalises `..`, `//`, `%61` or absolute forms), and a test can stop sending
 * half-way through a body.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads one response from the socket: as soon as it is complete, not when the socket closes. */
export function readResponse(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const done = (result: RawResponse | Error) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const parse = (ended: boolean): RawResponse | undefined => {
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return undefined;
      const [statusLine, ...lines] = buffer.subarray(0, head).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = buffer.subarray(head + 4);
      const length = headers['content-length'];
      if (length !== undefined && body.length < Number(length)) return undefined;
      if (length === undefined && headers['transfer-encoding'] === 'chunked' && !body.includes('0\r\n\r\n')) return undefined;
      if (length === undefined && headers['transfer-encoding'] !== 'chunked' && !ended) return undefined;
      return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') };
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const response = parse(false);
      if (response) done(response);
    };
    const onEnd = (error?: Error) =>
      done(parse(true) ?? error ?? new Error(`connection closed before a whole response: ${JSON.stringify(buffer.toString('latin1'))}`));
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onEnd);
  });
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `request` (bytes as written) and answers the first response. */
export async function rawRequest(port: number, request: string | Buffer): Promise<RawResponse> {
  const socket = await openSocket(port);
  try {
    const response = readResponse(socket);
    socket.write(request);
    return await response;
  } finally {
    socket.destroy();
  }
}

/** Resolves when the server closes the connection (or it fails). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve();
    socket.once('close', () => resolve());
    socket.resume();
  });
}
