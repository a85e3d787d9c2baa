/**
 * Magika's standard_v3_3 network (vendor/magika), run with TF.js ops on its WASM backend. The
 * upstream TF.js graph model needs tfjs-converter and an `Einsum` kernel the WASM backend lacks,
 * so the same graph is written out here with the vendored weights, op for op (model.json's
 * nodes): a 257×64 embedding of 2048 byte tokens (the graph's one-hot × dense), GELU, regrouped
 * as 512 positions × 256 channels, a layer norm over the positions, a 5-wide convolution to 512
 * filters, GELU, a max over the positions, a layer norm, a dense layer to the 214 labels and a
 * softmax. Checked against Magika's reference predictions (test/unit/core/content-model-inference.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface WeightsManifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** The tensors the forward pass reads, by their names in model.json. */
const NAMES = {
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

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Slices the named float32 tensors out of the weight shard, by the manifest's order and shapes. */
export function readWeights(manifest: WeightsManifest, shard: ArrayBuffer): Map<string, { shape: number[]; values: Float32Array }> {
  const group = manifest.weightsManifest[0];
  if (!group || manifest.weightsManifest.length !== 1) throw new Error('content model: expected one weight group');
  const wanted = new Set<string>(Object.values(NAMES));
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

const TOKENS = 2048;
const POSITIONS = 512;
const WIDTH = 5;
const PADDING = 256;

export interface NetworkOptions {
  /** Compute the convolution's windows that see only padding in closed form (default); false runs every window (tests compare the two). */
  paddingShortcut?: boolean;
}

/**
 * The run of positions (4 tokens each) that hold only padding between the beginning's bytes and
 * the end's, as [from, to): a file under 1 KiB leaves most of its 512 positions to padding.
 */
export function paddingRun(row: Int32Array): [number, number] {
  const padOnly = (p: number) => row[4 * p] === PADDING && row[4 * p + 1] === PADDING && row[4 * p + 2] === PADDING && row[4 * p + 3] === PADDING;
  let from = POSITIONS / 2;
  while (from > 0 && padOnly(from - 1)) from--;
  let to = POSITIONS / 2;
  while (to < POSITIONS && padOnly(to)) to++;
  // The middle position may hold bytes of the end with padding before them: then there is no run.
  if (!padOnly(POSITIONS / 2 - 1) || !padOnly(POSITIONS / 2)) return [0, 0];
  return [from, to];
}

export function buildNetwork(manifest: WeightsManifest, shard: ArrayBuffer, options: NetworkOptions = {}): MagikaNetwork {
  const w = readWeights(manifest, shard);
  const t = (name: string, shape?: number[]) => {
    const { shape: own, values } = w.get(name)!;
    return tf.tensor(values, shape ?? own, 'float32');
  };
  const scalar = (name: string) => w.get(name)!.values[0]!;
  const embedding = t(NAMES.embedding); // [257, 64]
  const embeddingBias = t(NAMES.embeddingBias, [64]);
  const norm0Scale = t(NAMES.norm0Scale, [1, POSITIONS, 1]);
  const norm0Bias = t(NAMES.norm0Bias, [1, POSITIONS, 1]);
  const convKernel = t(NAMES.convKernel, [WIDTH, 256, 512]);
  const convBias = t(NAMES.convBias, [512]);
  const norm1Scale = t(NAMES.norm1Scale, [1, 512]);
  const norm1Bias = t(NAMES.norm1Bias, [1, 512]);
  const dense = t(NAMES.dense); // [512, labels]
  const denseBias = t(NAMES.denseBias, [dense.shape[1]!]);
  const eps0 = scalar(NAMES.norm0Epsilon);
  const eps1 = scalar(NAMES.norm1Epsilon);
  // For windows of padding only: the kernel as one [256, 5·512] matrix, and its sums over the input channels.
  const kernelByChannel = tf.tidy(() => tf.reshape(tf.transpose(convKernel, [1, 0, 2]), [256, WIDTH * 512]));
  const kernelSums = tf.tidy(() => tf.sum(convKernel, 1)); // [5, 512]
  const positionScale = w.get(NAMES.norm0Scale)!.values;
  const positionBias = w.get(NAMES.norm0Bias)!.values;
  const all = [embedding, embeddingBias, norm0Scale, norm0Bias, convKernel, convBias, norm1Scale, norm1Bias, dense, denseBias, kernelByChannel, kernelSums];
  const shortcut = options.paddingShortcut ?? true;

  // GELU, tanh form, as the graph's ApplyActivation nodes compute it, written with the identity
  // ½(1 + tanh y) = sigmoid(2y): six element-wise passes instead of eight, and no general pow.
  const c = 2 * Math.sqrt(2 / Math.PI);
  const gelu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(tf.mul(x, tf.add(tf.mul(tf.square(x), c * 0.044715), c))));
  // The first layer acts on each token alone, so it is a table of 257 rows computed once, not
  // 2048 rows an inference.
  const tokenTable = tf.tidy(() => gelu(tf.add(embedding, embeddingBias))); // [257, 64]
  all.push(tokenTable);
  // Read back once: a row's first layer is then 2048 copies of 64 floats, which beats tf.gather.
  const tableValues = tokenTable.dataSync() as Float32Array;
  const rows257 = tokenTable.shape[0]!;
  const embed = (row: Int32Array): Float32Array => {
    const x = new Float32Array(TOKENS * 64);
    for (let i = 0; i < TOKENS; i++) {
      const token = row[i]!;
      if (!(token >= 0 && token < rows257)) throw new Error(`content model: token ${token} out of range`);
      x.set(tableValues.subarray(token * 64, token * 64 + 64), i * 64);
    }
    return x;
  };
  // Layer norm as the graph writes it: variance = E[x²] − E[x]², floored at 0. Returned before its
  // scale and bias, which the padding windows need apart.
  const standardize = (x: tf.Tensor, axis: number, eps: number) => {
    const mean = tf.mean(x, axis, true);
    const variance = tf.maximum(tf.sub(tf.mean(tf.square(x), axis, true), tf.square(mean)), 0);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  };
  const convolve = (x: tf.Tensor3D) => tf.add(tf.conv1d(x, convKernel as tf.Tensor3D, 1, 'valid'), convBias);

  /**
   * The max over the windows of GELU(convolution) for one row, as the graph computes it: `shortcut`
   * off, every window and GELU on each. With it (the default), two exact savings:
   * - GELU falls and then rises (one minimum, near −0.75), so its largest value over a set of
   *   inputs is at the set's largest or smallest input: GELU runs on those two per channel, not on
   *   every window (a max and a min pass instead of six element-wise passes).
   * - Windows that see only padding are in closed form: a padding position p holds
   *   z·scale[p] + bias[p] (z: the standardized padding vector, the same at every padding
   *   position), so the convolution there is Σₖ scale[t+k]·(z·Wₖ) + bias[t+k]·(1·Wₖ), five small
   *   products instead of a 256×512 one per window. Only the windows touching bytes run the
   *   convolution: for a 300-byte file about a third of them.
   */
  const pooledRow = (z: tf.Tensor3D, normed: tf.Tensor3D, run: [number, number]): tf.Tensor => {
    if (!shortcut) return tf.max(gelu(convolve(normed)), 1);
    const [from, to] = run;
    const windows = POSITIONS - WIDTH + 1;
    const padFrom = from;
    const padTo = to - WIDTH + 1; // windows [padFrom, padTo) see padding only
    const outputs: tf.Tensor[] = []; // [windows, 512] each
    if (padTo - padFrom < 1) {
      outputs.push(tf.squeeze(convolve(normed), [0]));
    } else {
      if (padFrom > 0) outputs.push(tf.squeeze(convolve(tf.slice(normed, [0, 0, 0], [1, padFrom + WIDTH - 1, 256])), [0]));
      if (padTo < windows) outputs.push(tf.squeeze(convolve(tf.slice(normed, [0, padTo, 0], [1, POSITIONS - padTo, 256])), [0]));
      const n = padTo - padFrom;
      const scales = new Float32Array(n * WIDTH);
      const biases = new Float32Array(n * WIDTH);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < WIDTH; k++) {
          scales[i * WIDTH + k] = positionScale[padFrom + i + k]!;
          biases[i * WIDTH + k] = positionBias[padFrom + i + k]!;
        }
      }
      const padVector = tf.reshape(tf.slice(z, [0, from, 0], [1, 1, 256]), [1, 256]);
      const perOffset = tf.reshape(tf.matMul(padVector, kernelByChannel), [WIDTH, 512]);
      outputs.push(tf.add(tf.add(tf.matMul(tf.tensor2d(scales, [n, WIDTH]), perOffset), tf.matMul(tf.tensor2d(biases, [n, WIDTH]), kernelSums)), convBias));
    }
    const highest = outputs.map((o) => tf.max(o, 0, true)).reduce((a, b) => tf.maximum(a, b));
    const lowest = outputs.map((o) => tf.min(o, 0, true)).reduce((a, b) => tf.minimum(a, b));
    return tf.maximum(gelu(highest), gelu(lowest)); // [1, 512]
  };

  return {
    labels: dense.shape[1]!,
    // One row at a time: batching saves no arithmetic on one thread, and a batch's tensors (16 MB
    // for the convolution's output of 16 rows) outgrow the caches a single row stays in — measured
    // here, a batch of 16 cost twice as much per file as single rows.
    async predict(rows) {
      for (const row of rows) if (row.length !== TOKENS) throw new Error(`content model: expected ${TOKENS} tokens, got ${row.length}`);
      const out: Float32Array[] = [];
      for (const row of rows) {
        const scores = tf.tidy(() => {
          const grouped = tf.tensor3d(embed(row), [1, POSITIONS, 256]);
          const z = standardize(grouped, 1, eps0) as tf.Tensor3D;
          const normed = tf.add(tf.mul(z, norm0Scale), norm0Bias) as tf.Tensor3D;
          const pooled = pooledRow(z, normed, paddingRun(row)); // [1, 512]
          const logits = tf.add(tf.matMul(tf.add(tf.mul(standardize(pooled, 1, eps1), norm1Scale), norm1Bias) as tf.Tensor2D, dense as tf.Tensor2D), denseBias);
          return tf.softmax(logits);
        });
        out.push((await scores.data()) as Float32Array);
        scores.dispose();
      }
      return out;
    },
    dispose() {
      for (const x of all) x.dispose();
    },
  };
}
