import { describe, expect, it } from 'vitest';
import { classifyFile, extensionOf } from '../../../src/core/files/classify';
import { CATEGORY_BY_EXTENSION } from '../../../src/core/files/extension-table';

describe('extensionOf', () => {
  it.each([
    ['report.PDF', 'pdf'],
    ['archive.tar.gz', 'tar.gz'],
    ['backup.TAR.ZST', 'tar.zst'],
    ['photo.final.jpeg', 'jpeg'],
    ['notes.txt. . ', 'txt'],
    ['README', ''],
    ['.bashrc', ''],
    ['folder/sub/main.py', 'py'],
    ['C:\\Users\\me\\data.xlsx', 'xlsx'],
    ['invoice\u202Efdp.exe', 'exe'],
    ['', ''],
  ])('%j → %j', (name, extension) => {
    expect(extensionOf(name).extension).toBe(extension);
  });

  it('flags a right-to-left override in the name', () => {
    expect(extensionOf('invoice\u202Efdp.exe').bidiSpoof).toBe(true);
    expect(extensionOf('invoice.pdf').bidiSpoof).toBe(false);
  });
});

describe('classifyFile by extension', () => {
  it.each([
    ['main.py', 'source_code'],
    ['App.tsx', 'source_code'],
    ['q3-forecast.xlsx', 'spreadsheet'],
    ['customers.csv', 'spreadsheet'],
    ['contract.docx', 'document'],
    ['board.pptx', 'presentation'],
    ['scan.pdf', 'pdf'],
    ['photo.HEIC', 'image'],
    ['clip.mov', 'video'],
    ['memo.m4a', 'audio'],
    ['setup.exe', 'executable'],
    ['deploy.ps1', 'script'],
    ['run.sh', 'script'],
    ['disk.vmdk', 'virtual_disk_image'],
    ['dump.tar.gz', 'archive'],
    ['export.zip', 'archive'],
    ['mystery.xyz123', 'other'],
    ['noextension', 'other'],
  ])('%s → %s', (name, category) => {
    const verdict = classifyFile({ name, size: 10 });
    expect(verdict.categoryByExtension).toBe(category);
    expect(verdict.category).toBe(category);
    expect(verdict.mismatch).toBe(false);
  });

  it('explains a spoofed name in evidence', () => {
    const verdict = classifyFile({ name: 'invoice\u202Efdp.exe', size: 10 });
    expect(verdict.category).toBe('executable');
    expect(verdict.evidence.join(' ')).toMatch(/right-to-left override/);
  });

  it('gives a verdict for bad names without throwing', () => {
    for (const name of ['a'.repeat(255), 'nul\u0000byte.pdf', '../../etc/passwd', '/', '\\', '.', '..', 42 as unknown as string]) {
      expect(() => classifyFile({ name, size: 0 })).not.toThrow();
    }
  });

  it('has a table with every extension in one category', () => {
    expect(CATEGORY_BY_EXTENSION.size).toBeGreaterThan(200);
  });
});
