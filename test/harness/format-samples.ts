/**
 * Sample files of every kind, generated here byte by byte so their provenance is this file: each
 * is a small but well-formed instance of its format (the structures a reader checks are real: zip
 * local headers and central directory with CRCs, OLE sector chains and directory entries, PNG
 * chunks with CRCs, tar header checksums…). Used by the unit tests, bench/files, the e2e tests and the demo.
 */
import { crc32, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';

const enc = new TextEncoder();
const bytes = (...parts: (string | number[] | Uint8Array)[]): Uint8Array =>
  concat(parts.map((p) => (typeof p === 'string' ? latin1(p) : p instanceof Uint8Array ? p : Uint8Array.from(p))));

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const u16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** A zip archive: local headers, data (stored or deflated), central directory, end record. */
export function zip(entries: [name: string, content: string | Uint8Array, deflate?: boolean][]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content, deflate = true] of entries) {
    const raw = typeof content === 'string' ? enc.encode(content) : content;
    const data = deflate ? new Uint8Array(deflateRawSync(raw)) : raw;
    const crc = crc32(raw);
    const nameBytes = enc.encode(name);
    const common = [
      ...u16(20),
      ...u16(0),
      ...u16(deflate ? 8 : 0),
      ...u16(0),
      ...u16(0x21),
      ...u32(crc),
      ...u32(data.length),
      ...u32(raw.length),
      ...u16(nameBytes.length),
      ...u16(0),
    ];
    const local = bytes([0x50, 0x4b, 0x03, 0x04], common, nameBytes, data);
    centrals.push(bytes([0x50, 0x4b, 0x01, 0x02], u16(20), common, u16(0), u16(0), u16(0), u32(0), u32(offset), nameBytes));
    locals.push(local);
    offset += local.length;
  }
  const central = concat(centrals);
  const end = bytes([0x50, 0x4b, 0x05, 0x06], u16(0), u16(0), u16(entries.length), u16(entries.length), u32(central.length), u32(offset), u16(0));
  return concat([...locals, central, end]);
}

const OOXML_MAIN: Record<string, [string, string]> = {
  docx: ['/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'],
  xlsx: ['/xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'],
  pptx: ['/ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml'],
};

function ooxml(kind: 'docx' | 'xlsx' | 'pptx'): Uint8Array {
  const [part, type] = OOXML_MAIN[kind]!;
  const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="${part}" ContentType="${type}"/></Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${part.slice(1)}"/></Relationships>`;
  return zip([
    ['[Content_Types].xml', types],
    ['_rels/.rels', rels],
    [part.slice(1), `<?xml version="1.0"?><root>${'quarterly figures '.repeat(40)}</root>`],
  ]);
}

function opendocument(mime: string, main = 'content.xml'): Uint8Array {
  return zip([
    ['mimetype', mime, false],
    ['META-INF/manifest.xml', '<manifest:manifest/>'],
    [main, '<office:document-content/>'],
  ]);
}

/**
 * An OLE compound file (512-byte sectors): header, one FAT sector, one directory sector with the
 * root entry and the given streams (empty), and `padding` sectors before the directory so the
 * directory can be put beyond a short head.
 */
export function cfb(streams: string[], options: { msi?: boolean; padding?: number } = {}): Uint8Array {
  const padding = options.padding ?? 0;
  const sector = (fill = 0) => new Uint8Array(512).fill(fill);
  const header = sector();
  header.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  header.set([...u16(0x3e), ...u16(3), ...u16(0xfffe), ...u16(9), ...u16(6)], 0x18);
  const directorySector = padding + 1;
  header.set(u32(1), 0x2c); // one FAT sector
  header.set(u32(directorySector), 0x30);
  header.set(u32(0x1000), 0x38);
  header.set(u32(0xfffffffe), 0x3c);
  header.set(u32(0xfffffffe), 0x44);
  for (let i = 0; i < 109; i++) header.set(u32(i === 0 ? 0 : 0xffffffff), 0x4c + i * 4);
  const fat = sector(0xff);
  fat.set(u32(0xfffffffd), 0); // sector 0 is the FAT itself
  for (let i = 1; i <= padding; i++) fat.set(u32(0xfffffffe), i * 4);
  fat.set(u32(0xfffffffe), directorySector * 4);
  const dir = sector();
  const entry = (index: number, name: string, type: number) => {
    const at = index * 128;
    for (let i = 0; i < name.length; i++) dir.set(u16(name.charCodeAt(i)), at + i * 2);
    dir.set(u16((name.length + 1) * 2), at + 0x40);
    dir[at + 0x42] = type;
    dir.set(u32(0xffffffff), at + 0x44);
    dir.set(u32(0xffffffff), at + 0x48);
    dir.set(u32(index === 0 && streams.length ? 1 : 0xffffffff), at + 0x4c);
  };
  entry(0, 'Root Entry', 5);
  if (options.msi) dir.set([0x84, 0x10, 0x0c, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46], 0x50);
  streams.slice(0, 3).forEach((name, i) => entry(i + 1, name, 2));
  const pad = Array.from({ length: padding }, () => sector(0x20));
  return concat([header, fat, ...pad, dir]);
}

function png(): Uint8Array {
  const chunk = (type: string, data: number[] | Uint8Array) => {
    const body = bytes(type, data);
    return bytes(be32(body.length - 4), body, be32(crc32(body)));
  };
  const ihdr = [...be32(1), ...be32(1), 8, 2, 0, 0, 0];
  const idat = new Uint8Array(deflateSync(Uint8Array.from([0, 255, 0, 0])));
  return bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', []));
}

function tar(name: string, content: string): Uint8Array {
  const header = new Uint8Array(512);
  const put = (s: string, at: number) => header.set(latin1(s), at);
  put(name, 0);
  put('0000644\0', 100);
  put('0001750\0', 108);
  put('0001750\0', 116);
  put(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  put('14712345670\0', 136);
  put('        ', 148);
  put('0', 156);
  put('ustar\u000000', 257);
  const sum = header.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const body = new Uint8Array(Math.ceil(content.length / 512) * 512);
  body.set(latin1(content));
  return concat([header, body, new Uint8Array(1024)]);
}

function pe(): Uint8Array {
  const out = new Uint8Array(512);
  out.set(latin1('MZ'));
  out.set(u32(0x80), 0x3c);
  out.set(latin1('This program cannot be run in DOS mode.'), 0x4e);
  out.set(latin1('PE\0\0'), 0x80);
  out.set([...u16(0x8664), ...u16(1)], 0x84);
  return out;
}

function elf(): Uint8Array {
  const out = new Uint8Array(256);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  out.set([...u16(2), ...u16(0x3e), ...u32(1)], 16);
  return out;
}

function iso(): Uint8Array {
  const out = new Uint8Array(0x8800);
  out.set([1, ...latin1('CD001'), 1], 0x8000);
  out.set(latin1('UPWATCH_SAMPLE'), 0x8028);
  return out;
}

const TEXT: Record<string, string> = {
  py: `import os\nfrom pathlib import Path\n\n\nclass Exporter:\n    def __init__(self, root):\n        self.root = Path(root)\n\n    def run(self) -> int:\n        for p in self.root.glob('*.csv'):\n            print(p)\n        return 0\n\n\nif __name__ == '__main__':\n    Exporter(os.getcwd()).run()\n`,
  js: `const fs = require('fs');\n\nfunction load(path) {\n  return JSON.parse(fs.readFileSync(path, 'utf8'));\n}\n\nmodule.exports = { load };\nconsole.log(load('./config.json'));\n`,
  ts: `import { readFile } from 'node:fs/promises';\n\nexport interface Customer {\n  id: string;\n  email: string;\n}\n\nexport async function load(path: string): Promise<Customer[]> {\n  return JSON.parse(await readFile(path, 'utf8')) as Customer[];\n}\n`,
  java: `package com.acme.billing;\n\nimport java.util.List;\n\npublic class Invoice {\n    private final List<String> lines;\n\n    public Invoice(List<String> lines) { this.lines = lines; }\n\n    @Override\n    public String toString() { return String.join("\\n", lines); }\n}\n`,
  c: `#include <stdio.h>\n#include <stdlib.h>\n\nint main(int argc, char **argv) {\n    printf("%d\\n", argc);\n    return 0;\n}\n`,
  go: `package main\n\nimport (\n\t"fmt"\n)\n\nfunc main() {\n\tx := 42\n\tfmt.Println(x)\n}\n`,
  rs: `use std::fs;\n\nfn main() {\n    let mut total = 0;\n    for line in fs::read_to_string("a.txt").unwrap().lines() {\n        total += line.len();\n    }\n    println!("{}", total);\n}\n`,
  rb: `require 'csv'\n\ndef export(rows)\n  rows.each do |row|\n    puts row.join(',')\n  end\nend\n`,
  php: `<?php\n$db = new PDO('sqlite:app.db');\necho count($db->query('SELECT * FROM users')->fetchAll());\n`,
  sql: `CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nINSERT INTO customers VALUES (1, 'ana@acme.com');\nSELECT email FROM customers WHERE id = 1;\n`,
  cs: `using System;\n\nnamespace Acme.Tools\n{\n    public class Program\n    {\n        public static void Main() { Console.WriteLine("hi"); }\n    }\n}\n`,
  swift: `import Foundation\n\nfunc greet(name: String) -> String {\n    return "Hello \\(name)"\n}\nvar count: Int = 0\n`,
  kt: `package com.acme\n\nfun main() {\n    val name: String = "Ana"\n    println(name)\n}\n`,
  sh: `#!/bin/bash\nset -euo pipefail\nfor f in /home/*/Documents/*.xlsx; do\n  cp "$f" /tmp/out/\ndone\n`,
  bash: `export DEST=/mnt/usb\nif [ -d "$DEST" ]; then\n  rsync -a ~/work/ "\${DEST}/"\nfi\necho done\n`,
  ps1: `param([string]$Path = "C:\\Users")\n$files = Get-ChildItem -Path $Path -Recurse -Filter *.docx\nforeach ($f in $files) { Copy-Item $f.FullName -Destination E:\\ -Force }\nWrite-Host "copied"\n`,
  bat: `@echo off\nrem copy the reports\nset SRC=%USERPROFILE%\\Documents\nif exist E:\\ xcopy "%SRC%" E:\\backup /s /y\ngoto :eof\n`,
  vbs: `Option Explicit\nDim fso, shell\nSet fso = CreateObject("Scripting.FileSystemObject")\nSet shell = CreateObject("WScript.Shell")\nWScript.Echo fso.GetAbsolutePathName(".")\n`,
  csv: `id,name,email,salary\n1,Ana Silva,ana@acme.com,91000\n2,Bo Chen,bo@acme.com,88000\n3,"Cruz, Dee",dee@acme.com,102000\n`,
  tsv: `id\tname\tteam\n1\tAna\tSales\n2\tBo\tFinance\n3\tDee\tLegal\n`,
  json: `{\n  "customers": [\n    { "id": 1, "email": "ana@acme.com" },\n    { "id": 2, "email": "bo@acme.com" }\n  ]\n}\n`,
  yaml: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ndata:\n  password: c2VjcmV0\n`,
  toml: `[server]\nhost = "0.0.0.0"\nport = 8080\n\n[database]\nurl = "postgres://db/acme"\n`,
  xml: `<?xml version="1.0" encoding="UTF-8"?>\n<orders><order id="1"><total>120.00</total></order></orders>\n`,
  html: `<!DOCTYPE html>\n<html lang="en"><head><title>Quarterly report</title></head><body><h1>Q3</h1></body></html>\n`,
  svg: `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n`,
  md: `# Launch plan\n\n- Ship the beta to **design partners**\n- Collect feedback in [the tracker](https://tracker.acme.example)\n\n## Risks\n\nSome risks remain.\n`,
  txt: `Dear team,\n\nThe board meeting moved to Thursday. Please bring the revised forecast and the notes from the customer visits. We will also discuss the hiring plan for next year.\n\nThanks,\nAna\n`,
  rtf: `{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0\\fs24 Confidential memo.\\par}\n`,
  pem: `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n`,
  log: `2026-11-22 10:00:01 INFO  server started on :8080\n2026-11-22 10:00:02 WARN  slow query (1200 ms)\n2026-11-22 10:00:03 ERROR request failed\n    at com.acme.Api.handle(Api.java:42)\n    at com.acme.Server.run(Server.java:7)\n`,
};

function build(): Record<string, Uint8Array> {
  const samples: Record<string, Uint8Array> = {
    docx: ooxml('docx'),
    xlsx: ooxml('xlsx'),
    pptx: ooxml('pptx'),
    odt: opendocument('application/vnd.oasis.opendocument.text'),
    ods: opendocument('application/vnd.oasis.opendocument.spreadsheet'),
    odp: opendocument('application/vnd.oasis.opendocument.presentation'),
    epub: opendocument('application/epub+zip', 'OEBPS/content.opf'),
    jar: zip([
      ['META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n'],
      ['com/acme/App.class', new Uint8Array([0xca, 0xfe, 0xba, 0xbe])],
    ]),
    zip: zip([
      ['export/customers.csv', TEXT.csv!],
      ['export/notes.txt', TEXT.txt!],
    ]),
    doc: cfb(['WordDocument', '1Table', 'SummaryInformation']),
    xls: cfb(['Workbook', 'SummaryInformation']),
    ppt: cfb(['PowerPoint Document', 'Current User']),
    msg: cfb(['__properties_version1.0', '__nameid_version1.0']),
    msi: cfb(['SummaryInformation'], { msi: true }),
    pdf: bytes(
      '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
    ),
    png: png(),
    jpg: bytes([0xff, 0xd8, 0xff, 0xe0], u16(0x1000).reverse(), 'JFIF\0', [1, 1, 0, 0, 1, 0, 1, 0, 0], new Uint8Array(64), [0xff, 0xd9]),
    gif: bytes('GIF89a', u16(1), u16(1), [0x80, 0, 0, 0, 0, 0, 255, 255, 255], ',', u16(0), u16(0), u16(1), u16(1), [0, 2, 2, 0x44, 1, 0], ';'),
    webp: bytes('RIFF', u32(30), 'WEBPVP8 ', u32(18), new Uint8Array(18)),
    mp3: bytes('ID3', [4, 0, 0, 0, 0, 0, 0], [0xff, 0xfb, 0x90, 0x64], new Uint8Array(413)),
    wav: bytes('RIFF', u32(36), 'WAVEfmt ', u32(16), u16(1), u16(1), u32(8000), u32(8000), u16(1), u16(8), 'data', u32(0)),
    flac: bytes('fLaC', [0x80, 0, 0, 34], new Uint8Array(34)),
    mp4: bytes(be32(24), 'ftypisom', be32(0x200), 'isomiso2', be32(8), 'free'),
    m4a: bytes(be32(24), 'ftypM4A ', be32(0x200), 'M4A isom', be32(8), 'free'),
    webm: bytes(
      [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84],
      'webm',
      [0x42, 0x87, 0x81, 0x02, 0x42, 0x85, 0x81, 0x02],
    ),
    avi: bytes('RIFF', u32(100), 'AVI LIST', u32(4), 'hdrl'),
    exe: pe(),
    elf: elf(),
    macho: bytes([0xcf, 0xfa, 0xed, 0xfe, 0x07, 0, 0, 0x01, 0x03, 0, 0, 0, 0x02, 0, 0, 0], new Uint8Array(16)),
    sqlite: bytes('SQLite format 3\0', u16(0x1000).reverse(), [1, 1, 0, 64, 32, 32], new Uint8Array(76)),
    gz: new Uint8Array(gzipSync(enc.encode(TEXT.csv!))),
    '7z': bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04], new Uint8Array(24)),
    rar: bytes([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00], new Uint8Array(24)),
    tar: tar('customers.csv', TEXT.csv!),
    bz2: bytes('BZh91AY&SY', new Uint8Array(32)),
    xz: bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04], new Uint8Array(24)),
    iso: iso(),
    vmdk: bytes('KDMV', u32(1), u32(3), new Uint8Array(500)),
    vhd: bytes('conectix', be32(2), be32(0x10000), new Uint8Array(496)),
    vhdx: bytes('vhdxfile', new Uint8Array(504)),
    qcow2: bytes('QFI\u00fb', be32(3), new Uint8Array(504)),
    vdi: bytes('<<< Oracle VM VirtualBox Disk Image >>>\n', new Uint8Array(24), u32(0xbeda107f)),
    deb: bytes('!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n2.0\n'),
    rpm: bytes([0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 1], new Uint8Array(88)),
  };
  for (const [ext, text] of Object.entries(TEXT)) samples[ext] = enc.encode(text);
  return samples;
}

/** Every sample by the extension its format carries. */
export const SAMPLES: Readonly<Record<string, Uint8Array>> = build();

/** Random bytes (seeded), for "not recognised" cases. */
export function randomBytes(length: number, seed = 1): Uint8Array {
  let a = seed >>> 0;
  return Uint8Array.from({ length }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a >>> 24;
  });
}
