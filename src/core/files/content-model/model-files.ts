/**
 * The vendored Magika model (vendor/magika/, see its README.md for provenance and licence) and the
 * SHA-256 of each file, checked when the model loads: a file that differs from what was reviewed
 * is never run. A unit test recomputes these from the files on disk.
 */
export const MAGIKA_MODEL = {
  name: 'magika standard_v3_3',
  repository: 'github.com/google/magika',
  commit: 'b141dc37f004fc922a6281a417035560b4c7aae6',
  licence: 'Apache-2.0',
  files: {
    'config.min.json': {
      from: 'website-ng/public/models/standard_v3_3/config.min.json',
      sha256: 'ae24c742205358f6ff6dfd5facb6743fb69743dbba8373e73da58ff0cbd695db',
    },
    'model.json': { from: 'website-ng/public/models/standard_v3_3/model.json', sha256: 'd6d04589239670e2fd0dc3f9ccd5f5a4b1b3b7bea7ee72298cbbb1eee52181f2' },
    'group1-shard1of1.bin': {
      from: 'website-ng/public/models/standard_v3_3/group1-shard1of1.bin',
      sha256: '6845b20533c637e1235dadca576dfa12b6dbf91bb81db64f34b78394be661a0e',
    },
  },
} as const;

export type MagikaFileName = keyof typeof MAGIKA_MODEL.files;
