// @vitest-environment node
/**
 * The worker's warm-up of the content model (issue 16, item 2): it loads the model and runs it
 * once on a short (mostly padding) and a full input, so the first upload after it pays neither the
 * load nor the first inference's set-up; a model that cannot load is left to the first session to
 * report, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { warmContentModel } from '../../../src/background/content-model';
import type { ContentModelRunner } from '../../../src/core/files/content-model/session';
import { MAGIKA_CONFIG } from '../../harness/content-model-node';

describe('warmContentModel', () => {
  it('runs the loaded model once on a short and once on a full input', async () => {
    const seen: Int32Array[] = [];
    const runner: ContentModelRunner = {
      async predict(rows) {
        seen.push(...rows);
        return rows.map(() => new Float32Array(MAGIKA_CONFIG.target_labels_space.length));
      },
    };
    expect(await warmContentModel(MAGIKA_CONFIG, async () => runner)).toBe(true);
    expect(seen).toHaveLength(2);
    const size = MAGIKA_CONFIG.beg_size + MAGIKA_CONFIG.end_size;
    expect(seen.every((row) => row.length === size)).toBe(true);
    expect(seen[0]!.filter((t) => t === MAGIKA_CONFIG.padding_token).length).toBeGreaterThan(size / 2);
    expect(seen[1]!.includes(MAGIKA_CONFIG.padding_token)).toBe(false);
  });

  it('resolves false, never rejects, when the model fails to load or to run', async () => {
    expect(await warmContentModel(MAGIKA_CONFIG, () => Promise.reject(new Error('WASM refused by the CSP')))).toBe(false);
    const broken: ContentModelRunner = { predict: () => Promise.reject(new Error('out of memory')) };
    expect(await warmContentModel(MAGIKA_CONFIG, async () => broken)).toBe(false);
  });
});
