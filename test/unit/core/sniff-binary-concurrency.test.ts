import { describe, expect, it } from 'vitest';
import { sniffBinary } from '../../../src/core/files/sniff-binary';
import { SAMPLES } from '../../harness/format-samples';

// The pipeline classifies the files of one message with Promise.all: verdicts must not leak between
// overlapping calls (a shared file-type parser keeps per-call state and answered for another file's bytes).
describe('sniffBinary run concurrently', () => {
  it('names each file by its own bytes when many are classified at once', async () => {
    const kinds = ['png', 'pdf', 'docx', 'zip', 'jpg', 'mp4', 'gz', 'exe'] as const;
    const alone = new Map<string, string | undefined>();
    for (const kind of kinds) alone.set(kind, (await sniffBinary(SAMPLES[kind]!))?.ext);
    expect(alone.get('png')).toBe('png');
    expect(alone.get('docx')).toBe('docx');
    const order = Array.from({ length: 80 }, (_, i) => kinds[(i * 7) % kinds.length]!);
    const together = await Promise.all(order.map((kind) => sniffBinary(SAMPLES[kind]!)));
    expect(together.map((verdict) => verdict?.ext)).toEqual(order.map((kind) => alone.get(kind)));
  });
});
