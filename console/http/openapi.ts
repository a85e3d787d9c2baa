/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas and the access table, so the
 * document, the validation and the access rules cannot disagree.
 */
import { z } from 'zod';
import { ACCESS, accessKey } from './access';
import { defineRoute, type RouteSpec } from './route';

const toSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

/** `if-match` → `If-Match`: header names as the HTTP specifications write them (they match in any case). */
const headerName = (name: string) => name.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase());

function parameters(schema: z.ZodType | undefined, where: 'query' | 'path' | 'header'): unknown[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name: where === 'header' ? headerName(name) : name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

export function buildOpenApi(routes: readonly RouteSpec[], version = '1'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const access = ACCESS[accessKey(route.method, route.path)];
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      'x-roles': access === 'public' ? [] : access,
      ...(access === 'public' ? { security: [] } : {}),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query'), ...parameters(route.headers, 'header')],
      ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } }),
      responses: {
        '200': {
          description: 'OK',
          content: { [route.produces ?? 'application/json']: { schema: route.response ? toSchema(route.response, 'output') : {} } },
        },
        ...(access !== 'public' && {
          '401': { description: 'missing, unknown or revoked credential' },
          '403': { description: 'the credential role may not call this route' },
        }),
        ...((route.query || route.params || route.body || route.headers) && { '400': { description: 'invalid request: `{ error, issues }`' } }),
        ...Object.fromEntries(
          Object.entries(route.errors ?? {}).map(([status, e]) => [
            status,
            { description: e.description, content: { 'application/json': { schema: toSchema(e.body, 'output') } } },
          ]),
        ),
      },
    };
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Upwatch console API',
      version,
      description: 'Roles: ingest (browsers), read_only, analyst, admin. Send `Authorization: Bearer <credential>`.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/** GET /api/v1/openapi.json, describing every route (itself included). */
export function openApiRoute(routes: readonly RouteSpec[]): RouteSpec {
  let cached: Record<string, unknown> | undefined;
  const self = defineRoute({
    method: 'GET',
    path: '/api/v1/openapi.json',
    tag: 'meta',
    summary: 'This document: OpenAPI 3.1, generated from the route schemas and the access table.',
    async handler() {
      cached ??= buildOpenApi([...routes, self]);
      return cached;
    },
  });
  return self;
}
