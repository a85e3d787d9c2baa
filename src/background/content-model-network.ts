/**
 * Magika's standard_v3_3 network (vendor/magika) for one file at a time: the same function as the
 * graph in model.json (written op for op in content-model-reference.ts, which the unit tests
 * compare this with), computed by the token, not by the window.
 *
 * The graph embeds 2048 byte tokens (GELU over a 257×64 table), groups them as 512 positions of 4
 * tokens (256 channels), normalizes each channel over the positions (scale and bias per position),
 * convolves 5 positions wide to 512 filters, takes the max of GELU over the 508 windows, then a
 * layer norm, a dense layer and a softmax. Window by window the convolution is 333 M multiply-adds.
 * But a position's 256 channels are 4 rows of the token table, and a file uses few distinct tokens
 * (a text file 40–100 of 257). With z the standardized rows, s and b a position's scale and bias:
 *
 *   conv[t] = bias + Σₖ b[t+k]·(Σ_c W[k][c])  +  Σₖ s[t+k]·Σⱼ proj[j][token(t+k, j)][k]
 *   proj[j][token] = z(token in slot j) · W[·][64j … 64j+63]     (one [64 × 5·512] product a distinct token)
 *
 * The first sum depends on the weights only (a table computed once); `proj` is one matrix product
 * of (distinct tokens × 64) by (64 × 2560) per slot, on TF.js's WASM backend; the sums over the
 * windows and the layers after the pooling (512 values) run in plain JavaScript on buffers
 * allocated once. GELU falls then rises (one minimum), so its max over the windows is at the largest
 * or smallest convolution output of each filter: GELU runs on those two.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface WeightsManifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** The tensors the forward pass reads, by their names in model.json. */
export const WEIGHT_NAMES = {
  embedding: 'StatefulPartitionedCall/jax2tf_arg_3/ReadVariableOp',
  embeddingBias: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/Dense_0/Reshape',
  norm0Scale: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/LayerNorm_0/Reshape_2',
  norm0Bias: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/LayerNorm_0/Reshape_3',
  norm0Epsilon: 'StatefulPartitionedCall/jax2tf_get_logits_/Const_7',
  convKernel: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/Conv_0/transpose_3',
  convBias: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/Conv_0/Reshape',
  norm1Scale: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/LayerNorm_1/Reshape_2',
  norm1Bias: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/LayerNorm_1/Reshape_3',
  norm1Epsilon: 'StatefulPartitionedCall/jax2tf_get_logits_/Const_15',
  dense: 'StatefulPartitionedCall/jax2tf_arg_5/ReadVariableOp',
  denseBias: 'StatefulPartitionedCall/jax2tf_get_logits_/pjit_get_logits_/MagikaV2/Dense_1/Reshape',
} as const;

/** 2048 tokens (256 is padding) in 512 positions of 4; 256 channels, 5-wide windows, 512 filters. */
export const NETWORK_SHAPE = { tokens: 2048, vocabulary: 257, embedding: 64, positions: 512, channels: 256, width: 5, filters: 512 } as const;
const { tokens: TOKENS, vocabulary: VOCABULARY, embedding: E, positions: POSITIONS, width: WIDTH, channels: CHANNELS, filters: F } = NETWORK_SHAPE;
const SLOTS = CHANNELS / E; // tokens per position
const WINDOWS = POSITIONS - WIDTH + 1;
const KF = WIDTH * F; // one token's projection: 5 offsets × 512 filters

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Slices the named float32 tensors out of the weight shard, by the manifest's order and shapes. */
export function readWeights(manifest: WeightsManifest, shard: ArrayBuffer): Map<string, { shape: number[]; values: Float32Array }> {
  const group = manifest.weightsManifest[0];
  if (!group || manifest.weightsManifest.length !== 1) throw new Error('content model: expected one weight group');
  const wanted = new Set<string>(Object.values(WEIGHT_NAMES));
  const found = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const w of group.weights) {
    const size = BYTES_PER_ELEMENT[w.dtype];
    if (size === undefined) throw new Error(`content model: unsupported weight type ${w.dtype}`);
    const count = w.shape.reduce((a, b) => a * b, 1);
    if (wanted.has(w.name)) {
      if (w.dtype !== 'float32') throw new Error(`content model: ${w.name} is ${w.dtype}, expected float32`);
      // Copied: the shard's offsets need not be 4-byte aligned for every tensor.
      found.set(w.name, { shape: w.shape, values: new Float32Array(shard.slice(offset, offset + count * 4)) });
    }
    offset += count * size;
  }
  if (offset !== shard.byteLength) throw new Error(`content model: the shard has ${shard.byteLength} bytes, the manifest describes ${offset}`);
  for (const name of wanted) if (!found.has(name)) throw new Error(`content model: weight ${name} missing`);
  return found;
}

export interface MagikaNetwork {
  /** Softmax scores, one row of `labels` numbers per input row of 2048 tokens (0–255 bytes, 256 padding). */
  predict(tokens: readonly Int32Array[]): Promise<Float32Array[]>;
  readonly labels: number;
  dispose(): void;
}

/** GELU, tanh form, as the graph's ApplyActivation nodes compute it (½(1 + tanh y) = sigmoid(2y)). */
const GELU_C = 2 * Math.sqrt(2 / Math.PI);
const f32 = Math.fround;
const gelu = (x: number) => x / (1 + Math.exp(-x * (GELU_C + GELU_C * 0.044715 * x * x)));

export function buildNetwork(manifest: WeightsManifest, shard: ArrayBuffer): MagikaNetwork {
  const w = readWeights(manifest, shard);
  const v = (name: string) => w.get(name)!.values;
  const [embedding, embeddingBias, kernel, convBias] = [
    v(WEIGHT_NAMES.embedding),
    v(WEIGHT_NAMES.embeddingBias),
    v(WEIGHT_NAMES.convKernel),
    v(WEIGHT_NAMES.convBias),
  ];
  const [scale0, bias0, scale1, bias1, dense, denseBias] = [
    v(WEIGHT_NAMES.norm0Scale),
    v(WEIGHT_NAMES.norm0Bias),
    v(WEIGHT_NAMES.norm1Scale),
    v(WEIGHT_NAMES.norm1Bias),
    v(WEIGHT_NAMES.dense),
    v(WEIGHT_NAMES.denseBias),
  ];
  const eps0 = v(WEIGHT_NAMES.norm0Epsilon)[0]!;
  const eps1 = v(WEIGHT_NAMES.norm1Epsilon)[0]!;
  const labels = denseBias.length;
  if (embedding.length !== VOCABULARY * E || kernel.length !== WIDTH * CHANNELS * F || dense.length !== F * labels || scale0.length !== POSITIONS) {
    throw new Error('content model: weights of unexpected shapes');
  }

  // The first layer acts on each token alone: a table of 257 rows, computed by the backend as the
  // graph computes it (float32), since the layer norm below reproduces the graph's float32 rounding.
  const table = tf.tidy(() => {
    const x = tf.add(tf.tensor2d(embedding, [VOCABULARY, E]), tf.tensor1d(embeddingBias));
    return tf.mul(x, tf.sigmoid(tf.mul(x, tf.add(tf.mul(tf.square(x), GELU_C * 0.044715), GELU_C))));
  });
  const tableValues = table.dataSync() as Float32Array;
  table.dispose();
  // The kernel per slot as [64, 5·512] (kernel is [5, 256, 512]), for the projection on the backend.
  const bySlot = new Float32Array(SLOTS * E * KF);
  for (let k = 0; k < WIDTH; k++)
    for (let c = 0; c < CHANNELS; c++) bySlot.set(kernel.subarray((k * CHANNELS + c) * F, (k * CHANNELS + c + 1) * F), c * KF + k * F);
  // One [64, 2560] matrix per slot: a batched product ([4, n, 64] × [4, 64, 2560]) misses the backend's fast path (20× slower here).
  const kernelBySlot = Array.from({ length: SLOTS }, (_, j) => tf.tensor2d(bySlot.subarray(j * E * KF, (j + 1) * E * KF), [E, KF]));
  // What the windows get from the weights alone: the conv bias and Σₖ b[t+k]·(Σ_c W[k][c]).
  const fixed = new Float64Array(WINDOWS * F);
  const kernelSums = new Float64Array(WIDTH * F);
  for (let k = 0; k < WIDTH; k++) for (let c = 0; c < CHANNELS; c++) for (let o = 0; o < F; o++) kernelSums[k * F + o]! += kernel[(k * CHANNELS + c) * F + o]!;
  for (let t = 0; t < WINDOWS; t++)
    for (let o = 0; o < F; o++) {
      let sum = convBias[o]!;
      for (let k = 0; k < WIDTH; k++) sum += bias0[t + k]! * kernelSums[k * F + o]!;
      fixed[t * F + o] = sum;
    }

  // Buffers reused by every row: a row runs synchronously from start to end, so rows never share them at once.
  const slotOf = new Int16Array(VOCABULARY);
  const distinct = new Int16Array(VOCABULARY);
  const index = new Int16Array(TOKENS); // the row's tokens as indices into `distinct`
  const mean = new Float64Array(CHANNELS);
  const inverse = new Float64Array(CHANNELS); // 1 / √(variance + ε)
  const z = new Float32Array(SLOTS * VOCABULARY * E);
  const positionOf = new Int32Array(POSITIONS); // each position's distinct group of 4 tokens
  const firstAt = new Int32Array(POSITIONS);
  const groups = new Float32Array(POSITIONS * KF); // Σⱼ proj[j][token] for each distinct group
  const highest = new Float64Array(F);
  const lowest = new Float64Array(F);
  const pooled = new Float64Array(F);
  const logits = new Float64Array(labels);
  const groupIds = new Map<number, number>();

  const predictRow = (row: Int32Array): Float32Array => {
    if (row.length !== TOKENS) throw new Error(`content model: expected ${TOKENS} tokens, got ${row.length}`);
    // The row's distinct tokens.
    slotOf.fill(-1);
    let n = 0;
    for (let i = 0; i < TOKENS; i++) {
      const token = row[i]!;
      if (!(token >= 0 && token < VOCABULARY)) throw new Error(`content model: token ${token} out of range`);
      if (slotOf[token]! < 0) distinct[(slotOf[token] = n++)] = token;
      index[i] = slotOf[token]!;
    }
    // Layer norm over the positions, per channel, as the graph computes it in float32 (TF.js's mean:
    // one running float32 sum over the positions in order): variance = E[x²] − E[x]², floored at 0.
    // Summed more exactly the scores move by up to 0.003 on files of a few bytes, whose channels are
    // nearly constant over the positions (mostly padding), away from Magika's own predictions.
    for (let c = 0; c < CHANNELS; c++) {
      const j = (c / E) | 0;
      const e = c % E;
      let sum = 0;
      let squares = 0;
      for (let p = 0; p < POSITIONS; p++) {
        const x = tableValues[row[p * SLOTS + j]! * E + e]!;
        sum = f32(sum + x);
        squares = f32(squares + f32(x * x));
      }
      const m = f32(sum / POSITIONS);
      mean[c] = m;
      inverse[c] = f32(1 / Math.sqrt(f32(Math.max(f32(f32(squares / POSITIONS) - f32(m * m)), 0) + eps0)));
    }
    for (let j = 0; j < SLOTS; j++)
      for (let d = 0; d < n; d++)
        for (let e = 0; e < E; e++) z[(j * n + d) * E + e] = f32(tableValues[distinct[d]! * E + e]! - mean[j * E + e]!) * inverse[j * E + e]!;
    // Each distinct token's projection through the kernel, in each slot: [n, 2560], read as the backend hands it over.
    const [p0, p1, p2, p3] = kernelBySlot.map((kernelJ, j) => {
      const projected = tf.tidy(() => tf.matMul(tf.tensor2d(z.subarray(j * n * E, (j + 1) * n * E), [n, E]), kernelJ));
      const values = projected.dataSync() as Float32Array;
      projected.dispose();
      return values;
    }) as [Float32Array, Float32Array, Float32Array, Float32Array];
    // Positions holding the same 4 tokens (padding, above all) share their sum.
    groupIds.clear();
    let groupCount = 0;
    for (let p = 0; p < POSITIONS; p++) {
      const i = p * SLOTS;
      const key = ((index[i]! * n + index[i + 1]!) * n + index[i + 2]!) * n + index[i + 3]!;
      let g = groupIds.get(key);
      if (g === undefined) {
        g = groupCount++;
        groupIds.set(key, g);
        firstAt[g] = p;
      }
      positionOf[p] = g;
    }
    for (let g = 0; g < groupCount; g++) {
      const into = g * KF;
      const i = firstAt[g]! * SLOTS;
      const [a, b, c, d] = [index[i]! * KF, index[i + 1]! * KF, index[i + 2]! * KF, index[i + 3]! * KF];
      for (let x = 0; x < KF; x++) groups[into + x] = p0[a + x]! + p1[b + x]! + p2[c + x]! + p3[d + x]!;
    }
    // The windows: the largest and smallest output of each filter.
    highest.fill(-Infinity);
    lowest.fill(Infinity);
    // One pass a window (WIDTH is 5): no running sum stored and reloaded for each offset.
    for (let t = 0; t < WINDOWS; t++) {
      const [s0, s1, s2, s3, s4] = [scale0[t]!, scale0[t + 1]!, scale0[t + 2]!, scale0[t + 3]!, scale0[t + 4]!];
      const g0 = positionOf[t]! * KF;
      const g1 = positionOf[t + 1]! * KF + F;
      const g2 = positionOf[t + 2]! * KF + 2 * F;
      const g3 = positionOf[t + 3]! * KF + 3 * F;
      const g4 = positionOf[t + 4]! * KF + 4 * F;
      const f = t * F;
      for (let o = 0; o < F; o++) {
        const x = fixed[f + o]! + s0 * groups[g0 + o]! + s1 * groups[g1 + o]! + s2 * groups[g2 + o]! + s3 * groups[g3 + o]! + s4 * groups[g4 + o]!;
        if (x > highest[o]!) highest[o] = x;
        if (x < lowest[o]!) lowest[o] = x;
      }
    }
    // GELU at the two ends, the layer norm over the filters, the dense layer and the softmax.
    let sum = 0;
    let squares = 0;
    for (let o = 0; o < F; o++) {
      const x = Math.max(gelu(highest[o]!), gelu(lowest[o]!));
      pooled[o] = x;
      sum += x;
      squares += x * x;
    }
    const m = sum / F;
    const inv = 1 / Math.sqrt(Math.max(squares / F - m * m, 0) + eps1);
    for (let l = 0; l < labels; l++) logits[l] = denseBias[l]!;
    for (let o = 0; o < F; o++) {
      const x = (pooled[o]! - m) * inv * scale1[o]! + bias1[o]!;
      const from = o * labels;
      for (let l = 0; l < labels; l++) logits[l]! += x * dense[from + l]!;
    }
    let top = -Infinity;
    for (let l = 0; l < labels; l++) top = Math.max(top, logits[l]!);
    let total = 0;
    for (let l = 0; l < labels; l++) total += logits[l] = Math.exp(logits[l]! - top);
    const scores = new Float32Array(labels);
    for (let l = 0; l < labels; l++) scores[l] = logits[l]! / total;
    return scores;
  };

  return {
    labels,
    // One row at a time, each synchronous: a batch saves no arithmetic on one thread.
    async predict(rows) {
      return rows.map(predictRow);
    },
    dispose() {
      for (const x of kernelBySlot) x.dispose();
    },
  };
}
