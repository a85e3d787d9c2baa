/**
 * Magika's standard_v3_3 graph as model.json writes it, op for op with TF.js, every window of the
 * convolution computed: the reference the fast network (content-model-network.ts) is checked
 * against in the unit tests. Not used by the extension (too slow: 333 M multiply-adds a file).
 *
 * The graph: a 257×64 embedding of 2048 byte tokens (one-hot × dense), GELU, regrouped as 512
 * positions × 256 channels, a layer norm over the positions, a 5-wide convolution to 512 filters,
 * GELU, a max over the positions, a layer norm, a dense layer to the labels and a softmax.
 */
import * as tf from '@tensorflow/tfjs-core';
import { NETWORK_SHAPE, readWeights, WEIGHT_NAMES as NAMES, type MagikaNetwork, type WeightsManifest } from './content-model-network';

const { tokens: TOKENS, positions: POSITIONS, width: WIDTH, channels: CHANNELS, filters: FILTERS } = NETWORK_SHAPE;

export function buildReferenceNetwork(manifest: WeightsManifest, shard: ArrayBuffer): MagikaNetwork {
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
  const convKernel = t(NAMES.convKernel, [WIDTH, CHANNELS, FILTERS]);
  const convBias = t(NAMES.convBias, [FILTERS]);
  const norm1Scale = t(NAMES.norm1Scale, [1, FILTERS]);
  const norm1Bias = t(NAMES.norm1Bias, [1, FILTERS]);
  const dense = t(NAMES.dense); // [512, labels]
  const denseBias = t(NAMES.denseBias, [dense.shape[1]!]);
  const eps0 = scalar(NAMES.norm0Epsilon);
  const eps1 = scalar(NAMES.norm1Epsilon);
  const all = [embedding, embeddingBias, norm0Scale, norm0Bias, convKernel, convBias, norm1Scale, norm1Bias, dense, denseBias];

  // GELU, tanh form, as the graph's ApplyActivation nodes compute it (½(1 + tanh y) = sigmoid(2y)).
  const c = 2 * Math.sqrt(2 / Math.PI);
  const gelu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(tf.mul(x, tf.add(tf.mul(tf.square(x), c * 0.044715), c))));
  // Layer norm as the graph writes it: variance = E[x²] − E[x]², floored at 0.
  const layerNorm = (x: tf.Tensor, axis: number, eps: number, scale: tf.Tensor, bias: tf.Tensor) => {
    const mean = tf.mean(x, axis, true);
    const variance = tf.maximum(tf.sub(tf.mean(tf.square(x), axis, true), tf.square(mean)), 0);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), scale), bias);
  };

  return {
    labels: dense.shape[1]!,
    async predict(rows) {
      const out: Float32Array[] = [];
      for (const row of rows) {
        if (row.length !== TOKENS) throw new Error(`content model: expected ${TOKENS} tokens, got ${row.length}`);
        const scores = tf.tidy(() => {
          const embedded = gelu(tf.add(tf.gather(embedding, tf.tensor1d(row, 'int32')), embeddingBias)); // [2048, 64]
          const grouped = tf.reshape(embedded, [1, POSITIONS, CHANNELS]);
          const normed = layerNorm(grouped, 1, eps0, norm0Scale, norm0Bias) as tf.Tensor3D;
          const convolved = tf.add(tf.conv1d(normed, convKernel as tf.Tensor3D, 1, 'valid'), convBias);
          const pooled = tf.max(gelu(convolved), 1); // [1, 512]
          const logits = tf.add(tf.matMul(layerNorm(pooled, 1, eps1, norm1Scale, norm1Bias) as tf.Tensor2D, dense as tf.Tensor2D), denseBias);
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
