/**
 * A console API route: method, path, its zod schemas and its handler. The schemas validate the
 * request and document it (the OpenAPI document is generated from them); who may call a route is
 * not here but in the one access table (./access.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../auth/roles';
import type { ConsoleServices } from '../services';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<Q, P, B, H = undefined> {
  query: Q;
  params: P;
  body: B;
  /** The request headers the route's `headers` schema names, parsed (names in lower case). */
  headers: H;
  principal: Principal;
  services: ConsoleServices;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<Q = unknown, P = unknown, B = unknown, H = unknown> {
  method: HttpMethod;
  /** Fastify syntax: `/api/v1/events/:id`. */
  path: string;
  summary: string;
  tag: string;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  body?: z.ZodType<B>;
  /** Request headers the route reads (an object schema, names in lower case; other headers pass untouched). */
  headers?: z.ZodType<H>;
  /** The 200 answer's shape (documentation; handlers are typed against it). */
  response?: z.ZodType;
  /** The 200 answer's media type, when not JSON. */
  produces?: string;
  /** Refusals particular to this route (beyond 400/401/403), by status: what they mean and their body. */
  errors?: Readonly<Record<number, { description: string; body: z.ZodType }>>;
  /** Bytes the (inflated) body may have; defaults to 1 MiB. */
  bodyLimit?: number;
  /**
   * The body's text is taken whatever it holds (U+0000, unpaired surrogates): the handler stores it
   * as sent and makes what goes in its own columns storable (./text.ts). Every other route refuses such text with a 400.
   */
  anyText?: boolean;
  /** Subject to the per-credential ingest rate limit. */
  rateLimited?: boolean;
  handler(ctx: RouteContext<Q, P, B, H>): Promise<unknown>;
}

/** Keeps each route's handler typed by its own schemas. */
export function defineRoute<Q = undefined, P = undefined, B = undefined, H = undefined>(spec: RouteSpec<Q, P, B, H>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** A refusal with a status and a clear message; handlers throw it, the error handler answers it. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Throws a store's own refusal (an error of class `kind`, with a status) as the HttpError it means, and any other error as it is. */
export function rethrowAsHttp(err: unknown, kind: abstract new (...args: never[]) => Error & { readonly statusCode: number }): never {
  if (err instanceof kind) throw new HttpError(err.statusCode, err.message);
  throw err;
}
