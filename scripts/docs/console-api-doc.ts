/**
 * Renders docs/console-api.md from the console's own OpenAPI document (the one it serves at
 * GET /api/v1/openapi.json, built from the route schemas and the access table), so the reference
 * cannot disagree with what the console validates and whom it admits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole } from '../../console/server';

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  additionalProperties?: boolean | Schema;
};

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}

interface Operation {
  summary: string;
  tags: string[];
  'x-roles': string[];
  parameters: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

/** The document the console serves, from a console built on a throw-away data folder. */
export async function consoleOpenApi(): Promise<OpenApiDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-api-doc-'));
  const { app, services } = await buildConsole({ dataDir: dir, ingestRateLimit: false });
  try {
    const { secret } = await services.credentials.create({ name: 'api-doc', role: 'admin', createdBy: 'scripts/generate.ts' });
    const answer = await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { authorization: `Bearer ${secret}` } });
    if (answer.statusCode !== 200) throw new Error(`openapi.json answered ${answer.statusCode}: ${answer.body}`);
    return answer.json() as OpenApiDocument;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sections in the order an integrator meets them; tags not listed follow alphabetically. */
const TAG_ORDER = [
  'ingest',
  'policy',
  'events',
  'exposure',
  'watchlists',
  'users',
  'alerts',
  'risk settings',
  'destinations',
  'legal holds',
  'retention',
  'audit',
  'credentials',
  'health',
  'meta',
];

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string) => `\`${text}\``;

/** A schema as a short type: `integer 1–500, default 100`, `"OPEN" or "PENDING"`, `array of string (≤ 50)`. */
export function describeType(schema: Schema): string {
  if (schema.$ref) return String(schema.$ref).replace(/^#\/\$defs\//, '');
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(describeType).join(' or ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return 'any';
  const base = types
    .map((t) => {
      if (t === 'array') return `array of ${schema.items ? describeType(schema.items) : 'any'}`;
      if (t === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
      return t;
    })
    .join(' or ');
  const limits: string[] = [];
  const range = (min: unknown, max: unknown, unit = '') => {
    const safe = (n: unknown) => typeof n === 'number' && Math.abs(n) < Number.MAX_SAFE_INTEGER;
    if (safe(min) && safe(max)) limits.push(`${String(min)}–${String(max)}${unit}`);
    else if (safe(min)) limits.push(`≥ ${String(min)}${unit}`);
    else if (safe(max)) limits.push(`≤ ${String(max)}${unit}`);
  };
  range(schema.minimum, schema.maximum);
  range(schema.minLength, schema.maxLength, ' chars');
  range(schema.minItems, schema.maxItems, ' items');
  // Long patterns (the ISO date-time one) say nothing a reader can use beyond the format.
  if (typeof schema.pattern === 'string' && !schema.format && schema.pattern.length <= 60) limits.push(`pattern ${code(schema.pattern)}`);
  if (schema.default !== undefined) limits.push(`default ${JSON.stringify(schema.default)}`);
  return limits.length ? `${base}, ${limits.join(', ')}` : base;
}

interface Field {
  name: string;
  required: boolean;
  type: string;
  description: string;
}

/** An object's fields, nested objects (and arrays of objects) flattened one level: `conditions.minSeverity`, `events[].id`. */
function fields(schema: Schema, prefix = '', depth = 0): Field[] {
  const out: Field[] = [];
  const props = schema.properties;
  if (!props) {
    if (schema.additionalProperties !== false && (schema.type === 'object' || schema.additionalProperties)) {
      out.push({
        name: `${prefix}<any key>`,
        required: false,
        type: schema.additionalProperties && schema.additionalProperties !== true ? describeType(schema.additionalProperties) : 'any',
        description: schema.description ?? '',
      });
    }
    return out;
  }
  for (const [name, child] of Object.entries(props)) {
    const full = `${prefix}${name}`;
    const required = (schema.required ?? []).includes(name);
    const description = child.description ?? '';
    const nested = child.properties ? child : child.type === 'array' && child.items?.properties ? child.items : undefined;
    if (nested && depth < 1) {
      out.push({
        name: full,
        required,
        type: child.type === 'array' ? `array of object${describeType({ ...child, items: undefined, type: undefined }).replace(/^any/, '')}` : 'object',
        description,
      });
      out.push(...fields(nested, child.type === 'array' ? `${full}[].` : `${full}.`, depth + 1));
    } else {
      out.push({ name: full, required, type: describeType(child), description });
    }
  }
  return out;
}

/** A markdown table of fields; `where` adds an "in" column (path or query) for parameters. */
function table(rows: (Field & { where?: string })[], first = 'field'): string[] {
  const columns = [first, ...(rows.some((r) => r.where) ? ['in'] : []), 'required', 'type', ...(rows.some((r) => r.description) ? ['description'] : [])];
  const value = (r: Field & { where?: string }, column: string) =>
    column === first
      ? code(r.name)
      : column === 'in'
        ? (r.where ?? '')
        : column === 'required'
          ? r.required
            ? 'yes'
            : 'no'
          : cell(column === 'type' ? r.type : r.description);
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${columns.map((c) => value(r, c)).join(' | ')} |`)];
}

function renderOperation(method: string, path: string, op: Operation): string[] {
  const roles = op['x-roles'].length ? op['x-roles'].map(code).join(', ') : 'anyone (no credential)';
  const out = [`### ${method.toUpperCase()} ${path}`, '', cell(op.summary), '', `Roles: ${roles}.`, ''];
  if (op.parameters.length) {
    out.push(
      'Parameters:',
      '',
      ...table(
        op.parameters.map((p) => ({ name: p.name, where: p.in, required: p.required, type: describeType(p.schema), description: p.schema.description ?? '' })),
        'name',
      ),
      '',
    );
  }
  const body = op.requestBody?.content['application/json']?.schema;
  if (body) out.push('Body (JSON):', '', ...table(fields(body)), '');
  const ok = Object.entries(op.responses['200']?.content ?? {})[0];
  if (ok) {
    const [type, { schema }] = ok;
    const answer = fields(schema).filter((f) => !f.name.includes('.') && !f.name.includes('[]'));
    if (type !== 'application/json') out.push(`Answer: ${code(type)}.`, '');
    else if (answer.length)
      out.push(`Answer: ${answer.map((f) => `${code(f.name)}${f.required ? '' : '?'} (${f.type})`).join(', ')}.`.replace(/\|/g, '\\|'), '');
  }
  return out;
}

export function renderConsoleApiDocFrom(doc: OpenApiDocument): string {
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];
  for (const list of byTag.values()) {
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method)));
  }
  const rank = (tag: string) => (TAG_ORDER.includes(tag) ? TAG_ORDER.indexOf(tag) : TAG_ORDER.length);
  const tags = [...byTag.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const anchor = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^\w\s-]/g, '')
      .replace(/\s/g, '-');
  const lines = [
    '# Console API',
    '',
    '<!-- Generated from the console routes (GET /api/v1/openapi.json) by `npx tsx scripts/generate.ts`; a unit test fails when this file drifts. Do not edit by hand. -->',
    '',
    'Every route of the reference console, with the roles that may call it. Send',
    '`Authorization: Bearer <credential>`: browsers carry an **ingest token**, people and automation an',
    '**API key** with role `read_only`, `analyst` or `admin` (see [console.md](console.md)). The same',
    'document, machine-readable, is at `GET /api/v1/openapi.json` (OpenAPI 3.1).',
    '',
    'Conventions:',
    '',
    '- Times are ISO 8601 in UTC. Lists are newest first, as `{ <items>, nextCursor }`; pass `?cursor=<nextCursor>`',
    '  for the next page; `nextCursor` is `null` on the last one. Cursors are opaque.',
    '- Errors answer `{ "error": "…", …details }`: 400 invalid request (`issues` says which field), 401 missing,',
    '  unknown or revoked credential, 403 a role that may not call the route, 404 no such route or object,',
    '  413 body too large, 429 ingest rate limit (with `Retry-After`).',
    '- A path that is not exactly a route below answers 404 before any credential or body is looked at.',
    '- Text a database cannot keep (U+0000, an unpaired UTF-16 surrogate) in a query, path or body is a 400 naming',
    '  the field, nothing written. Ingest alone takes it: the event is stored exactly as sent, and only its search',
    '  columns get U+FFFD in its place.',
    '',
    '## Routes',
    '',
    '| method | path | roles | section |',
    '|---|---|---|---|',
  ];
  for (const tag of tags) {
    for (const { method, path, op } of byTag.get(tag)!) {
      const roles = op['x-roles'].length ? op['x-roles'].join(', ') : 'public';
      lines.push(`| ${method.toUpperCase()} | [${code(path)}](#${anchor(`${method} ${path}`)}) | ${roles} | ${tag} |`);
    }
  }
  lines.push('');
  for (const tag of tags) {
    lines.push(`## ${tag[0]!.toUpperCase()}${tag.slice(1)}`, '');
    for (const { method, path, op } of byTag.get(tag)!) lines.push(...renderOperation(method, path, op));
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

export async function renderConsoleApiDoc(): Promise<string> {
  return renderConsoleApiDocFrom(await consoleOpenApi());
}
