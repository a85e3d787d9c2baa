// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { classifyFile, extensionOf } from '../../../src/core/files/classify';
import { CATEGORY_BY_EXTENSION } from '../../../src/core/files/extension-table';
import { cfb, randomBytes, SAMPLES } from '../../harness/format-samples';
import { FILE_CATEGORIES } from '../../../src/core/schema/identifiers';

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
    ['backup.tar.zst', 'archive'],
    ['export.zip', 'archive'],
    // Issue 16's product decision: configuration and structured data text is source_code (it carries credentials and infrastructure).
    ['config.yaml', 'source_code'],
    // And columnar data files and Flash are other.
    ['events.parquet', 'other'],
    ['table.feather', 'other'],
    ['banner.swf', 'other'],
    ['mystery.xyz123', 'other'],
    ['noextension', 'other'],
  ])('%s → %s', async (name, category) => {
    const verdict = await classifyFile({ name, size: 10 });
    expect(verdict.categoryByExtension).toBe(category);
    expect(verdict.category).toBe(category);
    expect(verdict.mismatch).toBe(false);
  });

  it('explains a spoofed name in evidence', async () => {
    const verdict = await classifyFile({ name: 'invoice\u202Efdp.exe', size: 512, head: SAMPLES.exe });
    expect(verdict).toMatchObject({ extension: 'exe', category: 'executable', mismatch: false });
    expect(verdict.evidence.join(' ')).toMatch(/right-to-left override/);
  });

  it('has a table of at least 400 extensions, each in one category', () => {
    expect(CATEGORY_BY_EXTENSION.size).toBeGreaterThanOrEqual(400);
  });
});

describe('classifyFile by content', () => {
  // sample → [categoryByContent, mime or format hint]
  const CONTENT: [sample: string, category: string, mime: RegExp][] = [
    ['docx', 'document', /wordprocessingml/],
    ['xlsx', 'spreadsheet', /spreadsheetml/],
    ['pptx', 'presentation', /presentationml/],
    ['odt', 'document', /opendocument\.text/],
    ['ods', 'spreadsheet', /opendocument\.spreadsheet/],
    ['odp', 'presentation', /opendocument\.presentation/],
    ['epub', 'document', /epub/],
    ['jar', 'archive', /java-archive/],
    ['zip', 'archive', /zip/],
    ['doc', 'document', /cfb/],
    ['xls', 'spreadsheet', /cfb/],
    ['ppt', 'presentation', /cfb/],
    ['msg', 'document', /cfb/],
    ['msi', 'executable', /cfb/],
    ['pdf', 'pdf', /pdf/],
    ['png', 'image', /png/],
    ['jpg', 'image', /jpeg/],
    ['gif', 'image', /gif/],
    ['webp', 'image', /webp/],
    ['mp3', 'audio', /mpeg/],
    ['wav', 'audio', /wav/],
    ['flac', 'audio', /flac/],
    ['m4a', 'audio', /audio/],
    ['mp4', 'video', /mp4/],
    ['webm', 'video', /webm/],
    ['avi', 'video', /msvideo|avi/],
    ['exe', 'executable', /msdownload/],
    ['elf', 'executable', /elf/],
    ['macho', 'executable', /mach/],
    ['deb', 'executable', /deb/],
    ['rpm', 'executable', /rpm/],
    ['sqlite', 'other', /sqlite/],
    ['gz', 'archive', /gzip/],
    ['7z', 'archive', /7z/],
    ['rar', 'archive', /rar/],
    ['tar', 'archive', /tar/],
    ['bz2', 'archive', /bzip2/],
    ['xz', 'archive', /xz/],
    ['iso', 'virtual_disk_image', /iso9660/],
    ['vmdk', 'virtual_disk_image', /vmdk/],
    ['vhd', 'virtual_disk_image', /vhd/],
    ['vhdx', 'virtual_disk_image', /vhdx/],
    ['qcow2', 'virtual_disk_image', /qemu/],
    ['vdi', 'virtual_disk_image', /vdi/],
    ['py', 'source_code', /python/],
    ['js', 'source_code', /javascript/],
    ['ts', 'source_code', /typescript/],
    ['java', 'source_code', /java/],
    ['c', 'source_code', /x-c/],
    ['go', 'source_code', /go/],
    ['rs', 'source_code', /rust/],
    ['rb', 'source_code', /ruby/],
    ['php', 'source_code', /php/],
    ['sql', 'source_code', /sql/],
    ['cs', 'source_code', /csharp/],
    ['swift', 'source_code', /swift/],
    ['kt', 'source_code', /kotlin/],
    ['sh', 'script', /shellscript/],
    ['bash', 'script', /shellscript/],
    ['ps1', 'script', /powershell/],
    ['bat', 'script', /batch/],
    ['vbs', 'script', /vbscript/],
    ['csv', 'spreadsheet', /csv/],
    ['tsv', 'spreadsheet', /tab-separated/],
    // Issue 16's product decision: configuration and structured data text is source_code.
    ['json', 'source_code', /json/],
    ['yaml', 'source_code', /yaml/],
    ['toml', 'source_code', /toml/],
    ['xml', 'source_code', /xml/],
    ['html', 'source_code', /html/],
    ['svg', 'image', /svg/],
    ['md', 'document', /markdown/],
    ['txt', 'document', /text\/plain/],
    ['log', 'document', /text\/plain/],
    ['rtf', 'document', /rtf/],
    ['pem', 'source_code', /pem/],
  ];

  it.each(CONTENT)('%s sample → %s', async (sample, category, mime) => {
    const head = SAMPLES[sample]!;
    // Named without an extension, so only the content speaks.
    const verdict = await classifyFile({ name: 'upload', size: head.length, head });
    expect({ byContent: verdict.categoryByContent, category: verdict.category }).toEqual({ byContent: category, category });
    expect(verdict.mimeByContent).toMatch(mime);
    expect(verdict.mismatch).toBe(false);
    expect(verdict.evidence.some((e) => e.startsWith('content:'))).toBe(true);
  });

  it('has a sample of every file category', () => {
    const categories = new Set(CONTENT.map(([, category]) => category));
    for (const c of FILE_CATEGORIES) {
      expect(categories.has(c), c).toBe(true);
    }
  });

  it('tells an OLE file whose directory lies beyond the head only as OLE', async () => {
    const file = cfb(['WordDocument'], { padding: 100 });
    const head = file.subarray(0, 4096);
    const verdict = await classifyFile({ name: 'old.doc', size: file.length, head });
    expect(verdict).toMatchObject({ categoryByContent: 'other', category: 'document', mismatch: false });
    expect(verdict.evidence.join(' ')).toMatch(/directory beyond the head/);
    const whole = await classifyFile({ name: 'old.doc', size: file.length, head: file.subarray(0, 65_536) });
    expect(whole.categoryByContent).toBe('document');
  });

  it('reads at most the first 64 KiB of what it is given', async () => {
    const big = new Uint8Array(1024 * 1024).fill(0x41);
    big.set(SAMPLES.exe!.subarray(0, 512), 65_536); // beyond 64 KiB: must not be seen
    const verdict = await classifyFile({ name: 'a.txt', size: big.length, head: big });
    expect(verdict).toEqual(await classifyFile({ name: 'a.txt', size: big.length, head: big.subarray(0, 65_536) }));
    expect(verdict.categoryByContent).not.toBe('executable');
  });

  it('gives a 2 GiB file the verdict a small one with the same head gets', async () => {
    const small = await classifyFile({ name: 'a.jpg', size: 1024, head: SAMPLES.py });
    const huge = await classifyFile({ name: 'a.jpg', size: 2 * 1024 ** 3, head: SAMPLES.py });
    expect(huge).toEqual(small);
  });

  it('does not see an ISO volume descriptor beyond a short head', async () => {
    const verdict = await classifyFile({ name: 'x.iso', size: SAMPLES.iso!.length, head: SAMPLES.iso!.subarray(0, 4096) });
    expect(verdict).toMatchObject({ categoryByContent: 'other', category: 'virtual_disk_image', mismatch: false });
  });
});

describe('mismatch', () => {
  // [content sample, file name, mismatch]
  const CASES: [sample: string, name: string, mismatch: boolean][] = [
    // Names that hide what the content is.
    ...['jpg', 'png', 'pdf', 'txt', 'docx', 'mp4', 'zip', 'csv'].map((e): [string, string, boolean] => ['py', `holiday.${e}`, true]),
    ...['txt', 'jpg', 'log'].map((e): [string, string, boolean] => ['js', `notes.${e}`, true]),
    ...['txt', 'png'].map((e): [string, string, boolean] => ['sh', `readme.${e}`, true]),
    ...['txt', 'jpg'].map((e): [string, string, boolean] => ['ps1', `notes.${e}`, true]),
    ...['txt', 'gif'].map((e): [string, string, boolean] => ['java', `notes.${e}`, true]),
    ...['txt', 'jpg'].map((e): [string, string, boolean] => ['sql', `notes.${e}`, true]),
    ...['pdf', 'jpg', 'txt', 'mp3', 'csv'].map((e): [string, string, boolean] => ['zip', `scan.${e}`, true]),
    ...['txt', 'pdf', 'jpg', 'png', 'docx', 'zip', 'mp3', 'csv'].map((e): [string, string, boolean] => ['exe', `readme.${e}`, true]),
    ...['txt', 'jpg', 'pdf'].map((e): [string, string, boolean] => ['elf', `data.${e}`, true]),
    ...['docx', 'pptx', 'pdf', 'txt', 'jpg'].map((e): [string, string, boolean] => ['xlsx', `memo.${e}`, true]),
    ...['xlsx', 'pptx', 'mp4'].map((e): [string, string, boolean] => ['docx', `file.${e}`, true]),
    ['pptx', 'budget.xlsx', true],
    ...['docx', 'jpg', 'txt', 'xlsx', 'zip'].map((e): [string, string, boolean] => ['pdf', `photo.${e}`, true]),
    ...['pdf', 'txt', 'docx', 'zip', 'exe'].map((e): [string, string, boolean] => ['png', `doc.${e}`, true]),
    ...['jpg', 'txt', 'xlsx'].map((e): [string, string, boolean] => ['sqlite', `cache.${e}`, true]),
    ['doc', 'sheet.xls', true],
    ['xls', 'letter.doc', true],
    ['msi', 'letter.doc', true],
    ['7z', 'cat.jpg', true],
    ['gz', 'notes.txt', true],
    ['iso', 'backup.zip', true],
    ['vmdk', 'notes.txt', true],
    ...['pdf', 'txt', 'jpg'].map((e): [string, string, boolean] => ['mp4', `clip.${e}`, true]),
    ...['jpg', 'png', 'pdf', 'exe'].map((e): [string, string, boolean] => ['csv', `data.${e}`, true]),
    ['json', 'photo.jpg', true],
    ...['exe', 'jpg', 'pdf', 'zip'].map((e): [string, string, boolean] => ['txt', `letter.${e}`, true]),
    ['pem', 'cat.jpg', true],
    ['mp3', 'song.pdf', true],
    // Two names of one kind, compatible containers, and names without an extension.
    ...['jpg', 'jpeg', 'jpe', 'JPG', 'jfif'].map((e): [string, string, boolean] => ['jpg', `photo.${e}`, false]),
    ['png', 'logo.png', false],
    ...['html', 'htm', 'xhtml'].map((e): [string, string, boolean] => ['html', `page.${e}`, false]),
    ...['docx', 'doc', 'odt', 'zip'].map((e): [string, string, boolean] => ['docx', `report.${e}`, false]),
    ...['xlsx', 'xls', 'csv', 'ods'].map((e): [string, string, boolean] => ['xlsx', `budget.${e}`, false]),
    ...['zip', 'docx', 'jar', 'apk', 'epub', 'xlsx', 'key'].map((e): [string, string, boolean] => ['zip', `bundle.${e}`, false]),
    ['epub', 'book.zip', false],
    ...['py', 'pyw', 'sh', 'pyi'].map((e): [string, string, boolean] => ['py', `tool.${e}`, false]),
    ...['sh', 'bash', 'zsh'].map((e): [string, string, boolean] => ['sh', `run.${e}`, false]),
    ...['js', 'mjs', 'ts', 'jsx'].map((e): [string, string, boolean] => ['js', `app.${e}`, false]),
    ...['md', 'txt', 'log', 'py', 'csv', 'json'].map((e): [string, string, boolean] => ['txt', `note.${e}`, false]),
    ...['txt', 'csv', 'tsv', 'log'].map((e): [string, string, boolean] => ['csv', `table.${e}`, false]),
    ...['json', 'txt', 'ipynb', 'geojson'].map((e): [string, string, boolean] => ['json', `data.${e}`, false]),
    ...['yml', 'yaml', 'txt'].map((e): [string, string, boolean] => ['yaml', `config.${e}`, false]),
    ['log', 'server.log', false],
    ['log', 'server.txt', false],
    ...['pdf', 'ai'].map((e): [string, string, boolean] => ['pdf', `art.${e}`, false]),
    ...['mp3', 'mp4', 'm4a'].map((e): [string, string, boolean] => ['mp3', `talk.${e}`, false]),
    ['m4a', 'podcast.mp4', false],
    ['webm', 'voice.weba', false],
    ...['html', 'xml', 'csv', 'rtf'].map((s): [string, string, boolean] => [s, 'export.xls', false]),
    ['rtf', 'letter.doc', false],
    ['svg', 'icon.svg', false],
    ...['iso', 'img'].map((e): [string, string, boolean] => ['iso', `disk.${e}`, false]),
    ...['so', 'bin', 'elf'].map((e): [string, string, boolean] => ['elf', `lib.${e}`, false]),
    ...['exe', 'dll', 'scr', 'sys'].map((e): [string, string, boolean] => ['exe', `setup.${e}`, false]),
    ...['db', 'sqlite', 'sqlite3'].map((e): [string, string, boolean] => ['sqlite', `app.${e}`, false]),
    ...['gz', 'tgz'].map((e): [string, string, boolean] => ['gz', `dump.${e}`, false]),
    ['gz', 'dump.tar.gz', false],
    ...['py', 'exe', 'zip', 'xlsx', 'pdf'].map((s): [string, string, boolean] => [s, 'noextension', false]),
    ...['exe', 'py'].map((s): [string, string, boolean] => [s, 'blob.xyz123', false]),
    ['exe', 'payload.dat', false],
    ['txt', 'cert.asc', false],
  ];

  it('has at least 100 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CASES)('%s content named %s → mismatch %s', async (sample, name, mismatch) => {
    const head = SAMPLES[sample]!;
    const verdict = await classifyFile({ name, size: head.length, head });
    expect(verdict.mismatch).toBe(mismatch);
    if (mismatch) {
      expect(verdict.evidence.join(' ')).toMatch(/mismatch: named \./);
      // Content wins when it names a category.
      if (verdict.categoryByContent !== 'other') expect(verdict.category).toBe(verdict.categoryByContent);
    }
  });

  it.each([
    ['empty file', new Uint8Array(0), 'report.pdf'],
    ['random bytes', randomBytes(4096), 'photo.jpg'],
    ['random bytes', randomBytes(65_536, 9), 'archive.zip'],
  ])('%s named %s has no mismatch', async (_, head, name) => {
    const verdict = await classifyFile({ name, size: head.length, head });
    expect(verdict.mismatch).toBe(false);
    expect(verdict.categoryByContent).toBe('other');
  });
});

describe('bad input', () => {
  const truncated = Object.entries(SAMPLES).flatMap(([name, bytes]) =>
    [1, 4, 16, 100, 600].map((n): [string, Uint8Array] => [`${name}[0:${n}]`, bytes.subarray(0, n)]),
  );

  it.each(truncated)('%s gets a verdict', async (_, head) => {
    const verdict = await classifyFile({ name: 'x.bin', size: 1_000_000, head });
    expect(verdict.category).toBeTypeOf('string');
  });

  it('gives a verdict for bad names and sizes without throwing', async () => {
    const names = [
      'a'.repeat(255),
      'b'.repeat(250) + '.docx',
      'nul\u0000byte.pdf',
      '../../etc/passwd',
      'C:\\temp\\x.exe',
      '/',
      '\\',
      '.',
      '..',
      '',
      42 as unknown as string,
    ];
    for (const name of names) {
      await expect(classifyFile({ name, size: 0 })).resolves.toMatchObject({ mismatch: false });
    }
    await expect(classifyFile({ name: 'x.pdf', size: -1, head: 'nope' as unknown as Uint8Array })).resolves.toMatchObject({ category: 'pdf' });
    await expect(classifyFile({ name: 'x.pdf', size: Number.NaN, head: randomBytes(10) })).resolves.toMatchObject({ category: 'pdf' });
  });

  it('survives hostile OLE directories (loops, out-of-range sectors)', async () => {
    const looped = cfb(['WordDocument']);
    looped.set([1, 0, 0, 0], 512 + 4); // the directory sector's FAT entry points to itself
    const outOfRange = cfb(['WordDocument']);
    outOfRange.set([0xff, 0xff, 0xff, 0x7f], 0x30);
    for (const head of [looped, outOfRange]) {
      await expect(classifyFile({ name: 'a.doc', size: head.length, head })).resolves.toMatchObject({ category: 'document' });
    }
  });
});
