/**
 * A held upload decided before it is scored (docs/response.md "Decision time"). Scoring reads the
 * local history in the upload pipeline's turn, after every upload before it is stored; most
 * decisions need none of it. The rules are matched on what classification alone knows (where the
 * files go, what they are, the channel, the user's watchlists): when no rule that could apply
 * depends on the score (a minimum severity, indicators), the verdict is the one scoring would
 * give, and the page is answered at once. Otherwise the decision waits for the turn, as before.
 */
import { allowanceKey, activeAllowance, type Allowances } from '../core/response/allowances';
import type { Decided } from '../core/response/decide';
import { ruleApplies, stricter, type ActionVerdict, type FileFacts } from '../core/response/match';
import { LIMITS } from '../core/schema/limits';
import type { ResponseRule } from '../core/schema/response';
import type { ClassifiedUpload } from './pipeline';

/** What is known of a file once it is classified, before it is scored. */
export type FactsBeforeScoring = Omit<FileFacts, 'severity' | 'indicators'>;

const UNKNOWN = Symbol('depends on the score');
/** As in core/response/decide: the files a decision lists. */
const MAX_DECISION_FILES = 50;

/**
 * The first rule for one file whatever its score, as `ruleFor` would find it; UNKNOWN when a rule
 * before the deciding one applies for some scores only. A rule is tried with the weakest score
 * (no severity, no indicator: does it apply whatever the score?) and with the strongest one for it
 * (the highest severity, its own indicators: can it apply at all?).
 */
function ruleBeforeScoring(rules: readonly ResponseRule[], f: FactsBeforeScoring): ResponseRule | undefined | typeof UNKNOWN {
  if (f.destination.trusted) return undefined;
  for (const rule of rules) {
    if (ruleApplies(rule, { ...f, severity: 'none', indicators: [] })) return rule;
    if (ruleApplies(rule, { ...f, severity: 'critical', indicators: rule.when?.indicators ?? [] })) return UNKNOWN;
  }
  return undefined;
}

/** `decideAction`'s verdict for these files whatever their scores; undefined when the scores could change it. */
export function verdictBeforeScoring(rules: readonly ResponseRule[], files: readonly FactsBeforeScoring[]): ActionVerdict | undefined {
  let verdict: ActionVerdict = { action: 'allow' };
  for (const [i, f] of files.entries()) {
    const rule = ruleBeforeScoring(rules, f);
    if (rule === UNKNOWN) return undefined;
    if (rule && (verdict.rule === undefined || stricter(rule.action, verdict.action))) verdict = { action: rule.action, rule, decidingFile: i };
  }
  return verdict;
}

export function factsBeforeScoring(upload: ClassifiedUpload, watchlists: readonly string[]): FactsBeforeScoring[] {
  return upload.items.map(({ classified: { verdict, destination } }) => ({
    fileCategory: verdict.category,
    channel: upload.action.channel,
    destination: {
      category: destination.category,
      ...(destination.serviceId !== undefined && { serviceId: destination.serviceId }),
      trusted: destination.trusted,
      watchlists,
    },
  }));
}

/**
 * The decision when the page may have the files: no rule, an allow rule, or a warn rule lifted by
 * a temporary allow. Nothing is shown then, so the score (the dialog's severity and reasons) is not
 * needed: undefined for any other verdict. The same as `decide` would give, reasons aside.
 */
export function allowedBeforeScoring(
  verdict: ActionVerdict,
  upload: ClassifiedUpload,
  who: { user?: string; watchlists: readonly string[] },
  allowances: Allowances,
  now: number,
): Decided | undefined {
  const destination = upload.items[verdict.decidingFile ?? 0]?.classified.destination;
  const key = allowanceKey(who.user, destination ?? { host: '' });
  const allowance = verdict.action === 'warn' ? activeAllowance(allowances, key, now) : undefined;
  if (verdict.action !== 'allow' && !allowance) return undefined;
  const rule = verdict.rule;
  return {
    decision: {
      action: 'allow',
      ...(rule && { ruleId: rule.id }),
      ...(rule?.message !== undefined && { message: rule.message }),
      ...(rule?.learnMoreUrl !== undefined && { learnMoreUrl: rule.learnMoreUrl }),
      justification: 'none',
      files: upload.items.slice(0, MAX_DECISION_FILES).map(({ file }) => ({ name: file.name.slice(0, LIMITS.fileName), size: file.size })),
      destination: {
        host: destination?.host ?? '',
        ...(destination?.serviceName !== undefined && { name: destination.serviceName }),
        category: destination?.category ?? 'unknown',
      },
      reasons: [],
      severity: 'none',
    },
    ...(rule && { rule }),
    ...(allowance && { allowedUntil: allowance.until }),
    allowanceKey: key,
  };
}
