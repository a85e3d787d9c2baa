/**
 * `responseRules` validated rule by rule (issue 14): a bad rule is reported by its position and id
 * and left out, the good ones stand in their order. A bad rule whose id the last good rules know
 * keeps its last good version, so a typo in an edited block rule never lifts the block.
 */
import { z } from 'zod';
import type { PolicyError } from '../schema/policy-error';
import { RESPONSE_RULES_MAX, ResponseRule, ResponseRuleId } from '../schema/response';

export const RESPONSE_RULES_KEY = 'responseRules';

export interface ParsedRules {
  /** Undefined when the value is not a list at all: the whole key is bad. */
  rules?: ResponseRule[];
  errors: PolicyError[];
}

function idOf(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const parsed = ResponseRuleId.safeParse((raw as { id?: unknown }).id);
  return parsed.success ? parsed.data : undefined;
}

/** The key of a rule's error: `responseRules[2]`, so the key's last good value as a whole is not swapped in. */
const ruleKey = (index: number) => `${RESPONSE_RULES_KEY}[${index}]`;

export function parseResponseRules(raw: unknown, lastGood: readonly ResponseRule[] = []): ParsedRules {
  if (!Array.isArray(raw)) return { errors: [{ key: RESPONSE_RULES_KEY, message: 'must be a list of rules' }] };
  const errors: PolicyError[] = [];
  if (raw.length > RESPONSE_RULES_MAX) {
    errors.push({ key: RESPONSE_RULES_KEY, message: `at most ${RESPONSE_RULES_MAX} rules: the rules after #${RESPONSE_RULES_MAX} are ignored` });
  }
  const rules: ResponseRule[] = [];
  const seen = new Set<string>();
  raw.slice(0, RESPONSE_RULES_MAX).forEach((item, index) => {
    const id = idOf(item);
    const name = id ? `rule "${id}"` : `rule #${index + 1}`;
    if (id && seen.has(id)) {
      errors.push({ key: ruleKey(index), message: `${name} rejected: the id is used by an earlier rule` });
      return;
    }
    const parsed = ResponseRule.safeParse(item);
    if (parsed.success) {
      seen.add(parsed.data.id);
      rules.push(parsed.data);
      return;
    }
    const previous = id ? lastGood.find((r) => r.id === id) : undefined;
    const why = z.prettifyError(parsed.error).replace(/\s+/g, ' ').slice(0, 400);
    errors.push({ key: ruleKey(index), message: `${name} rejected${previous ? ' (its last good version stays in force)' : ''}: ${why}` });
    if (previous && id) {
      seen.add(id);
      rules.push(previous);
    }
  });
  if (rules.length === 0 && raw.length > 0) {
    // Every rule is bad: that is not "no rules". The key counts as unreadable, so the layer's last
    // good rules stay in force (core/schema/policy-layers.ts), or the next layer's when there are none.
    errors.push({ key: RESPONSE_RULES_KEY, message: 'no valid rule: the last good rules stay in force' });
    return { errors };
  }
  return { rules, errors };
}
