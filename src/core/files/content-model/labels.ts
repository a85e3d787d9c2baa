/**
 * Magika's labels in our terms: labels.json (data) gives each label a file category, a canonical
 * extension, a MIME type and whether it is text. The categories follow the product decisions of
 * issue 16: configuration and structured data text is `source_code`; Parquet and Flash are `other`.
 */
import { z } from 'zod';
import { FileCategory } from '../../schema/identifiers';
import type { MagikaConfig } from './features';
import labelData from './labels.json';

const LabelInfo = z.strictObject({ category: FileCategory, ext: z.string().min(1), mime: z.string().min(1), text: z.boolean() });
export type LabelInfo = z.infer<typeof LabelInfo>;

const LabelTable = z.strictObject({ version: z.number().int(), source: z.string(), labels: z.record(z.string(), LabelInfo) });

export const LABELS: ReadonlyMap<string, LabelInfo> = new Map(Object.entries(LabelTable.parse(labelData).labels));

/**
 * Text labels that are data or configuration, not a program: `source_code` by the product decision,
 * but under a plain-text name they hide no code (so they never make a mismatch on their own).
 */
const DATA_LABELS = new Set(
  'json jsonl yaml toml ini xml sgml appleplist rdf textproto sum mum pem crt ignorefile gitattributes gitmodules csproj vcxproj diff csv tsv'.split(' '),
);

export interface ModelLabel {
  label: string;
  score: number;
  info: LabelInfo;
  /** A language detector's kind of verdict: a program or script (not data, not prose). */
  code: boolean;
}

export type Interpretation =
  /** `categoryScore`: set when the category, not the label, passed the threshold (the labels of that category summed). */
  { confident: true; best: ModelLabel; categoryScore?: number } | { confident: false; best: ModelLabel; why: string };

/**
 * Magika's own reading of its scores (js/magika.ts `_getOutputLabelFromModelPrediction`): the best
 * label, unless its score is under the label's threshold (then the model is unsure) or the label
 * is one the model uses for "random" content (randombytes, randomtxt: overwrite_map).
 */
export function interpretScores(scores: ArrayLike<number>, config: MagikaConfig): Interpretation {
  if (scores.length !== config.target_labels_space.length) {
    throw new Error(`content model: ${scores.length} scores for ${config.target_labels_space.length} labels`);
  }
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  const label = config.target_labels_space[best]!;
  const info = LABELS.get(label);
  if (!info) throw new Error(`content model: label ${label} has no category`);
  const score = scores[best]!;
  const found: ModelLabel = {
    label,
    score,
    info,
    code: info.text && (info.category === 'source_code' || info.category === 'script') && !DATA_LABELS.has(label),
  };
  const threshold = config.thresholds[label] ?? config.medium_confidence_threshold;
  if (label in config.overwrite_map) return { confident: false, best: found, why: `${label}: content without a recognisable format` };
  if (score >= threshold) return { confident: true, best: found };
  // Unsure of the language is not unsure of the category: when the labels of one category
  // together pass Magika's own medium threshold, that category is the verdict (its likeliest label
  // named in the evidence). Studied on the development half of bench/intelligence-files only.
  const byCategory = new Map<string, number>();
  for (let i = 0; i < scores.length; i++) {
    const l = config.target_labels_space[i]!;
    if (l in config.overwrite_map) continue;
    const category = LABELS.get(l)?.category;
    if (category) byCategory.set(category, (byCategory.get(category) ?? 0) + scores[i]!);
  }
  const mass = byCategory.get(info.category) ?? 0;
  if (mass >= config.medium_confidence_threshold && info.category !== 'other') return { confident: true, best: found, categoryScore: mass };
  return { confident: false, best: found, why: `${label} at ${score.toFixed(2)}, under its threshold ${threshold}` };
}
