/** A decision from the background, checked by hand (zod stays out of the content scripts), and how several combine. */
import type { ResponseDecision } from '../../core/schema/response';

const ACTIONS = ['allow', 'notify', 'warn', 'block'] as const;
const MODES = new Set(['none', 'optional', 'required']);

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);

export function parseDecision(raw: unknown): ResponseDecision | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const decisionId = text(r.decisionId, 64);
  const action = ACTIONS.find((a) => a === r.action);
  if (!decisionId || !action) return undefined;
  const dest = (r.destination && typeof r.destination === 'object' ? r.destination : {}) as Record<string, unknown>;
  const files = Array.isArray(r.files) ? r.files.slice(0, 50) : [];
  const reasons = Array.isArray(r.reasons) ? r.reasons.slice(0, 16) : [];
  const message = text(r.message, 300);
  const learnMoreUrl = text(r.learnMoreUrl, 2048);
  const ruleId = text(r.ruleId, 64);
  const name = text(dest.name, 128);
  return {
    decisionId,
    action,
    ...(ruleId && { ruleId }),
    ...(message && { message }),
    ...(learnMoreUrl && { learnMoreUrl }),
    justification: typeof r.justification === 'string' && MODES.has(r.justification) ? (r.justification as ResponseDecision['justification']) : 'none',
    files: files.flatMap((f: unknown) => {
      const o = (f && typeof f === 'object' ? f : {}) as Record<string, unknown>;
      const fileName = text(o.name, 1024);
      return fileName === undefined ? [] : [{ name: fileName, size: typeof o.size === 'number' && o.size >= 0 ? Math.floor(o.size) : 0 }];
    }),
    destination: { host: text(dest.host, 255) ?? '', ...(name && { name }), category: text(dest.category, 64) ?? '' },
    reasons: reasons.flatMap((x: unknown) => (typeof x === 'string' ? [x.slice(0, 500)] : [])),
    severity: text(r.severity, 16) ?? '',
  };
}

const RANK: Record<ResponseDecision['action'], number> = { allow: 0, notify: 1, warn: 2, block: 3 };

/** One action split over several messages gets several decisions: the strictest decides, with every file shown. */
export function strictest(decisions: readonly ResponseDecision[]): ResponseDecision | undefined {
  if (decisions.length === 0) return undefined;
  const top = decisions.reduce((a, b) => (RANK[b.action] > RANK[a.action] ? b : a));
  if (decisions.length === 1) return top;
  const justification = decisions.some((d) => d.action === 'warn' && d.justification === 'required') ? 'required' : top.justification;
  return { ...top, justification, files: decisions.flatMap((d) => d.files).slice(0, 50) };
}
