/**
 * Draws the Upwatch icon (an upward arrow on a navy rounded square, with an amber watch dot) at
 * the sizes the stores want, anti-aliased, with no image library: `npx tsx scripts/make-icons.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const NAVY = [29, 53, 87];
const WHITE = [255, 255, 255];
const AMBER = [244, 162, 97];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => number[]): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Colour at a point of the unit square, or undefined for transparent. */
function shade(u: number, v: number): number[] | undefined {
  const r = 0.2;
  const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0);
  const dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
  if (Math.hypot(dx, dy) > r) return undefined;
  if (Math.hypot(u - 0.76, v - 0.24) < 0.1) return AMBER;
  const shaft = Math.abs(u - 0.45) < 0.08 && v > 0.38 && v < 0.8;
  const head = v > 0.18 && v < 0.45 && Math.abs(u - 0.45) < (v - 0.18) * 0.95;
  return shaft || head ? WHITE : NAVY;
}

const SAMPLES = 4;
mkdirSync(new URL('../public/icon', import.meta.url), { recursive: true });
for (const size of [16, 32, 48, 128]) {
  const image = png(size, (x, y) => {
    const acc = [0, 0, 0];
    let alpha = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = shade((x + (sx + 0.5) / SAMPLES) / size, (y + (sy + 0.5) / SAMPLES) / size);
        if (!c) continue;
        alpha++;
        for (let i = 0; i < 3; i++) acc[i]! += c[i]!;
      }
    }
    if (alpha === 0) return [0, 0, 0, 0];
    return [...acc.map((v) => Math.round(v / alpha)), Math.round((255 * alpha) / SAMPLES ** 2)];
  });
  writeFileSync(new URL(`../public/icon/${size}.png`, import.meta.url), image);
}
console.log('wrote public/icon/{16,32,48,128}.png');
