#!/usr/bin/env node
// Draws the Teams app icons (a ring: "kring" is Dutch for circle) and writes them as PNG with
// node:zlib only. Teams wants color.png 192x192 (full colour) and outline.png 32x32 (white on
// transparent). The PNGs are committed; run this again only to change the design:
//   node adapters/teams/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const here = new URL('./app-package/', import.meta.url);

/** RGBA pixels from `paint(x, y) -> [r, g, b, a]`, 4x4 supersampled for smooth edges. */
function draw(size, paint) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const [pr, pg, pb, pa] = paint(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4);
          r += pr * pa; g += pg * pa; b += pb * pa; a += pa;
        }
      }
      const i = (y * size + x) * 4;
      pixels[i] = a ? Math.round(r / a) : 0;
      pixels[i + 1] = a ? Math.round(g / a) : 0;
      pixels[i + 2] = a ? Math.round(b / a) : 0;
      pixels[i + 3] = Math.round((a / 16) * 255);
    }
  }
  return pixels;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ring = (cx, cy, outer, inner) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= outer && d >= inner;
};

// color.png: a white ring with three member dots on the accent colour (#1F6F66), full bleed.
const colorRing = ring(96, 96, 62, 42);
const dots = [0, 120, 240].map((deg) => [96 + 52 * Math.cos(((deg - 90) * Math.PI) / 180), 96 + 52 * Math.sin(((deg - 90) * Math.PI) / 180)]);
const color = draw(192, (x, y) => {
  if (dots.some(([dx, dy]) => Math.hypot(x - dx, y - dy) <= 17)) return [0xf2, 0xb7, 0x05, 1];
  if (colorRing(x, y)) return [255, 255, 255, 1];
  return [0x1f, 0x6f, 0x66, 1];
});
writeFileSync(new URL('color.png', here), png(192, color));

// outline.png: the same ring in white on transparent, with a margin, as Teams requires.
const outlineRing = ring(16, 16, 12, 8);
const outline = draw(32, (x, y) => (outlineRing(x, y) ? [255, 255, 255, 1] : [0, 0, 0, 0]));
writeFileSync(new URL('outline.png', here), png(32, outline));

console.log('wrote app-package/color.png (192x192) and app-package/outline.png (32x32)');
