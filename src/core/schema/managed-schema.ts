/**
 * public/managed_schema.json, generated from the zod policy in the dialect Chrome accepts (a JSON
 * Schema draft-03 subset). https://www.chromium.org/administrators/configuring-policy-for-extensions/
 *
 * Only types, structure, titles and descriptions are carried over. Chrome silently drops a value
 * that fails its schema, so ranges, patterns and enums are left to our zod validation, which
 * reports a bad value visibly (options page and badge) instead of losing it without a word.
 */
import { z } from 'zod';
import { Policy } from './policy';

type JsonSchema = Record<string, unknown>;

const KEPT = ['type', 'title', 'description'] as const;

function toChrome(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const k of KEPT) if (node[k] !== undefined) out[k] = node[k];
  if (Array.isArray(node.type)) throw new Error('union types cannot be expressed in a Chrome managed schema');
  if (node.enum && !node.type) out.type = typeof (node.enum as unknown[])[0] === 'number' ? 'integer' : 'string';
  if (node.properties) {
    out.properties = Object.fromEntries(Object.entries(node.properties as Record<string, JsonSchema>).map(([k, v]) => [k, toChrome(v)]));
  }
  if (node.items) out.items = toChrome(node.items as JsonSchema);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.additionalProperties = toChrome(node.additionalProperties as JsonSchema);
  }
  if (node.propertyNames || (node.type === 'object' && !node.properties && !node.additionalProperties)) {
    out.additionalProperties = out.additionalProperties ?? { type: 'string' };
  }
  return out;
}

export function chromeManagedSchema(): JsonSchema {
  const json = z.toJSONSchema(Policy, { target: 'draft-7', unrepresentable: 'any', io: 'input' }) as JsonSchema;
  return { type: 'object', properties: toChrome(json).properties };
}
