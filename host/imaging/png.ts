/**
 * PNG encoding of raw screen pixels. Screens are mostly flat colour, so the "Up" filter with
 * zlib's fastest level gives small files quickly; CRCs use zlib's own crc32 (Node 20.15+).
 */
import { crc32, deflateSync } from 'node:zlib';
import { isBgrx, toRgb, type Image } from './pixels.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

/** The filtered scanlines of the last encode, reused: a screen's worth is megabytes. */
let scratch = Buffer.alloc(0);

function scratchBuffer(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(size);
  return scratch.subarray(0, size);
}

/**
 * PNG scanlines (filter byte + RGB) with the Up filter, straight from B,G,R,X pixels. Works a
 * pixel at a time on 32-bit words: a row equal to the one above (common on screens) becomes
 * zeros by one memcmp, and the per-byte difference of two pixels is one SWAR subtraction.
 */
function filterBgrx(img: Image): Buffer {
  const { width, height, pixels } = img;
  const stride = img.format.stride;
  const line = width * 3 + 1;
  const raw = scratchBuffer(line * height);
  // X pixels are 4-byte aligned in the server's buffer; a copy keeps a misaligned one usable.
  const src = pixels.byteOffset % 4 ? Buffer.from(pixels) : pixels;
  const px = new Uint32Array(src.buffer, src.byteOffset, src.length >> 2);
  const words = stride >> 2;
  const rowBytes = width * 4;
  for (let y = 0; y < height; y++) {
    let o = y * line;
    raw[o++] = 2; // filter: Up
    let i = y * words;
    if (y === 0) {
      for (let x = 0; x < width; x++, i++) {
        const v = px[i]!;
        raw[o] = v >>> 16;
        raw[o + 1] = v >>> 8;
        raw[o + 2] = v;
        o += 3;
      }
      continue;
    }
    const start = y * stride;
    if (src.compare(src, start - stride, start - stride + rowBytes, start, start + rowBytes) === 0) {
      raw.fill(0, o, o + width * 3);
      continue;
    }
    for (let x = 0, p = i - words; x < width; x++, i++, p++) {
      const a = px[i]!;
      const b = px[p]!;
      if (a === b) {
        raw[o] = 0;
        raw[o + 1] = 0;
        raw[o + 2] = 0;
      } else {
        // Bytewise a - b (mod 256) in one go: no borrow crosses from one byte to the next.
        const d = ((a | 0x80808080) - (b & 0x7f7f7f7f)) ^ ((a ^ ~b) & 0x80808080);
        raw[o] = d >>> 16;
        raw[o + 1] = d >>> 8;
        raw[o + 2] = d;
      }
      o += 3;
    }
  }
  return raw;
}

/** Same, from packed RGB. */
function filterRgb(rgb: Buffer, width: number, height: number): Buffer {
  const line = width * 3 + 1;
  const row = width * 3;
  const raw = scratchBuffer(line * height);
  for (let y = 0; y < height; y++) {
    const o = y * line;
    raw[o] = 2;
    const i = y * row;
    for (let x = 0; x < row; x++) raw[o + 1 + x] = y === 0 ? rgb[i + x]! : (rgb[i + x]! - rgb[i + x - row]!) & 0xff;
  }
  return raw;
}

/** Encodes a screen image as an RGB PNG. */
export function encodePng(img: Image, level = 1): Buffer {
  const { width, height } = img;
  const raw = isBgrx(img.format) ? filterBgrx(img) : filterRgb(toRgb(img), width, height);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level })), chunk('IEND', Buffer.alloc(0))]);
}
