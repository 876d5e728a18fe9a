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

/** PNG scanlines (filter byte + RGB) with the Up filter, straight from B,G,R,X pixels. */
function filterBgrx(img: Image): Buffer {
  const { width, height, pixels } = img;
  const stride = img.format.stride;
  const line = width * 3 + 1;
  const raw = Buffer.allocUnsafe(line * height);
  for (let y = 0; y < height; y++) {
    let o = y * line;
    raw[o++] = 2; // filter: Up
    let i = y * stride;
    if (y === 0) {
      for (let x = 0; x < width; x++, i += 4) {
        raw[o++] = pixels[i + 2]!;
        raw[o++] = pixels[i + 1]!;
        raw[o++] = pixels[i]!;
      }
    } else {
      let p = i - stride;
      for (let x = 0; x < width; x++, i += 4, p += 4) {
        raw[o++] = (pixels[i + 2]! - pixels[p + 2]!) & 0xff;
        raw[o++] = (pixels[i + 1]! - pixels[p + 1]!) & 0xff;
        raw[o++] = (pixels[i]! - pixels[p]!) & 0xff;
      }
    }
  }
  return raw;
}

/** Same, from packed RGB. */
function filterRgb(rgb: Buffer, width: number, height: number): Buffer {
  const line = width * 3 + 1;
  const row = width * 3;
  const raw = Buffer.allocUnsafe(line * height);
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
