/**
 * Draws the Zendesk app's two icons, which Zendesk asks for in `assets/`
 * ("Create brand assets", https://developer.zendesk.com/documentation/apps/publish-your-app-or-theme/create_assets):
 * `logo.png`, 320×320, square corners (Zendesk rounds them); and
 * `logo-small.png`, 128×128, PNG-24 with transparency.
 *
 *   npx tsx adapters/zendesk/scripts/make-logos.ts
 *
 * Plain Node (zlib, CRC-32): no image tool needed. A white keyhole on
 * Latchkey's teal, 4×4 supersampled for smooth edges.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];

const TEAL: Rgba = [15, 118, 110, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** What colour the point (x, y) of a unit square is. */
function shade(x: number, y: number, transparentCorners: boolean): Rgba {
  if (transparentCorners) {
    // A rounded square on transparency, for the small icon.
    const r = 0.18;
    const cx = Math.min(Math.max(x, r), 1 - r);
    const cy = Math.min(Math.max(y, r), 1 - r);
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return CLEAR;
  }
  // The keyhole: a circle and a widening foot.
  const inCircle = (x - 0.5) ** 2 + (y - 0.4) ** 2 <= 0.13 ** 2;
  const foot = y >= 0.42 && y <= 0.74 && Math.abs(x - 0.5) <= 0.05 + (y - 0.42) * 0.25;
  return inCircle || foot ? WHITE : TEAL;
}

function draw(size: number, transparentCorners: boolean): Buffer {
  const samples = 4;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    row[0] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, transparentCorners);
          // Premultiplied, so transparent samples do not darken the edges.
          sum[0]! += c[0] * c[3]; sum[1]! += c[1] * c[3]; sum[2]! += c[2] * c[3]; sum[3]! += c[3];
        }
      }
      const alpha = sum[3]! / (samples * samples);
      const at = 1 + px * 4;
      for (let i = 0; i < 3; i++) row[at + i] = alpha === 0 ? 0 : Math.round(sum[i]! / sum[3]!);
      row[at + 3] = Math.round(alpha);
    }
    rows.push(row);
  }
  return png(size, size, Buffer.concat(rows));
}

function png(width: number, height: number, raw: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  header[10] = 0; header[11] = 0; header[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const assets = new URL('../app/assets/', import.meta.url);
writeFileSync(new URL('logo.png', assets), draw(320, false));
writeFileSync(new URL('logo-small.png', assets), draw(128, true));
console.log('wrote adapters/zendesk/app/assets/logo.png (320×320) and logo-small.png (128×128)');
