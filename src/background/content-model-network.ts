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

export function buildNetwork(manifest: WeightsManifest, shard: ArrayBuffer): MagikaNetwork {
  const w = readWeights(manifest, shard);
  const t = (name: string, shape?: number[]) => {
    const { shape: own, values } = w.get(name)!;
    return tf.tensor(values, shape ?? own, 'float32');
  };
  const scalar = (name: string) => w.get(name)!.values[0]!;
  const embedding = t(NAMES.embedding); // [257, 64]
  const embeddingBias = t(NAMES.embeddingBias, [64]);
  const norm0Scale = t(NAMES.norm0Scale, [1, 512, 1]);
  const norm0Bias = t(NAMES.norm0Bias, [1, 512, 1]);
  const convKernel = t(NAMES.convKernel, [5, 256, 512]);
  const convBias = t(NAMES.convBias, [512]);
  const norm1Scale = t(NAMES.norm1Scale, [1, 512]);
  const norm1Bias = t(NAMES.norm1Bias, [1, 512]);
  const dense = t(NAMES.dense); // [512, labels]
  const denseBias = t(NAMES.denseBias, [dense.shape[1]!]);
  const eps0 = scalar(NAMES.norm0Epsilon);
  const eps1 = scalar(NAMES.norm1Epsilon);
  const all = [embedding, embeddingBias, norm0Scale, norm0Bias, convKernel, convBias, norm1Scale, norm1Bias, dense, denseBias];

  // GELU, tanh form, as the graph's ApplyActivation nodes compute it.
  const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  // Layer norm as the graph writes it: variance = E[x²] − E[x]², floored at 0.
  const layerNorm = (x: tf.Tensor, axis: number, scale: tf.Tensor, bias: tf.Tensor, eps: number) => {
    const mean = tf.mean(x, axis, true);
    const variance = tf.maximum(tf.sub(tf.mean(tf.square(x), axis, true), tf.square(mean)), 0);
    return tf.add(tf.mul(tf.sub(x, mean), tf.mul(tf.rsqrt(tf.add(variance, eps)), scale)), bias);
  };

  return {
    labels: dense.shape[1]!,
    async predict(rows) {
      if (rows.length === 0) return [];
      const batch = new Int32Array(rows.length * TOKENS);
      rows.forEach((row, i) => {
        if (row.length !== TOKENS) throw new Error(`content model: expected ${TOKENS} tokens, got ${row.length}`);
        batch.set(row, i * TOKENS);
      });
      const scores = tf.tidy(() => {
        const tokens = tf.tensor2d(batch, [rows.length, TOKENS], 'int32');
        const embedded = gelu(tf.add(tf.gather(embedding, tokens), embeddingBias)); // [B, 2048, 64]
        const grouped = tf.reshape(embedded, [rows.length, 512, 256]);
        const normed = layerNorm(grouped, 1, norm0Scale, norm0Bias, eps0);
        const conv = gelu(tf.add(tf.conv1d(normed as tf.Tensor3D, convKernel as tf.Tensor3D, 1, 'valid'), convBias)); // [B, 508, 512]
        const pooled = tf.max(conv, 1); // [B, 512]
        const logits = tf.add(tf.matMul(layerNorm(pooled, 1, norm1Scale, norm1Bias, eps1) as tf.Tensor2D, dense as tf.Tensor2D), denseBias);
        return tf.softmax(logits);
      });
      const flat = (await scores.data()) as Float32Array;
      scores.dispose();
      const width = dense.shape[1]!;
      return rows.map((_, i) => flat.slice(i * width, (i + 1) * width));
    },
    dispose() {
      for (const x of all) x.dispose();
    },
  };
}
