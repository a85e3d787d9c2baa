/**
 * Magika's input features from a file's first and last bytes, as google/magika's
 * js/magika.ts `_extractFeaturesFromBytes` computes them (beg 1024 / end 1024 bytes out of 4096-byte
 * blocks, whitespace stripped at the outer edges, padded with token 256). Checked against Magika's
 * reference examples (tests_data/reference/features_extraction_examples.json.gz).
 */
import { z } from 'zod';

export const MagikaConfig = z.object({
  beg_size: z.number().int().positive(),
  mid_size: z.literal(0),
  end_size: z.number().int().positive(),
  use_inputs_at_offsets: z.literal(false),
  medium_confidence_threshold: z.number().min(0).max(1),
  min_file_size_for_dl: z.number().int().nonnegative(),
  padding_token: z.number().int(),
  block_size: z.number().int().positive(),
  target_labels_space: z.array(z.string()).min(1),
  thresholds: z.record(z.string(), z.number()),
  overwrite_map: z.record(z.string(), z.string()),
});
export type MagikaConfig = z.infer<typeof MagikaConfig>;

/** What classifyFile has of a file: the first bytes (the head), maybe the last bytes (the tail), and its size. */
export interface FileBytes {
  head: Uint8Array;
  tail?: Uint8Array;
  size: number;
}

/** The most of a file's end classifyFile uses: one Magika block. */
export const TAIL_BYTES = 4 * 1024;

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

/**
 * The file's first and last `block_size` bytes, or undefined when they are not both known: a head
 * shorter than the file and no tail (the model would see the wrong end and guess wrong).
 */
export function edgeBlocks(bytes: FileBytes, blockSize: number): { first: Uint8Array; last: Uint8Array } | undefined {
  const { head, size } = bytes;
  if (head.length >= size) {
    const whole = head.subarray(0, size);
    return { first: whole.subarray(0, blockSize), last: whole.subarray(Math.max(0, whole.length - blockSize)) };
  }
  const tail = bytes.tail;
  if (!tail || tail.length === 0) return undefined;
  const first = head.subarray(0, blockSize);
  const wantTail = Math.min(blockSize, size);
  if (tail.length >= wantTail) return { first, last: tail.subarray(tail.length - wantTail) };
  // A short tail still does when head and tail meet: the last block is the head's end and the tail.
  if (head.length + tail.length < size) return undefined;
  const fromHead = head.subarray(size - wantTail, size - tail.length);
  const last = new Uint8Array(fromHead.length + tail.length);
  last.set(fromHead, 0);
  last.set(tail, fromHead.length);
  return { first, last };
}

/** 2048 tokens (beg then end) for one file, or undefined when its edges are not known. */
export function extractFeatures(bytes: FileBytes, config: MagikaConfig): Int32Array | undefined {
  const blocks = edgeBlocks(bytes, config.block_size);
  if (!blocks) return undefined;
  return featuresFromBlocks(blocks.first, blocks.last, config);
}

export function featuresFromBlocks(first: Uint8Array, last: Uint8Array, config: Pick<MagikaConfig, 'beg_size' | 'end_size' | 'padding_token'>): Int32Array {
  const out = new Int32Array(config.beg_size + config.end_size).fill(config.padding_token);
  let start = 0;
  while (start < first.length && WHITESPACE.has(first[start]!)) start++;
  const beg = first.subarray(start, Math.min(first.length, start + config.beg_size));
  out.set(beg, 0);
  let end = last.length;
  while (end > 0 && WHITESPACE.has(last[end - 1]!)) end--;
  const tailBytes = last.subarray(Math.max(0, end - config.end_size), end);
  out.set(tailBytes, config.beg_size + config.end_size - tailBytes.length);
  return out;
}
