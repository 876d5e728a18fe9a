/**
 * PNG encoding of raw screen pixels. Screens are mostly flat colour, so the "Up" filter with
 * zlib's fastest level gives small files quickly; CRCs use zlib's own crc32 (Node 20.15+).
 */
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

export interface PixelLayout {
  /** Bytes per pixel in the input: 4 (RGBA/BGRX) or 3 (RGB). */
  bytesPerPixel: 3 | 4;
  /** True when the input is B,G,R(,X), as X servers deliver 24-bit pixels on little-endian machines. */
  bgr: boolean;
}

/** Encodes `pixels` (width*height*bytesPerPixel, rows top to bottom) as an RGB PNG. */
export function encodePng(pixels: Buffer, width: number, height: number, layout: PixelLayout = { bytesPerPixel: 4, bgr: false }, level = 1): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  const bpp = layout.bytesPerPixel;
  const [r, b] = layout.bgr ? [2, 0] : [0, 2];
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    raw[o] = 2; // filter: Up
    let i = y * width * bpp;
    let prev = (y - 1) * width * bpp;
    for (let x = 0; x < width; x++, i += bpp, prev += bpp) {
      const p = o + 1 + x * 3;
      if (y === 0) {
        raw[p] = pixels[i + r]!;
        raw[p + 1] = pixels[i + 1]!;
        raw[p + 2] = pixels[i + b]!;
      } else {
        raw[p] = (pixels[i + r]! - pixels[prev + r]!) & 0xff;
        raw[p + 1] = (pixels[i + 1]! - pixels[prev + 1]!) & 0xff;
        raw[p + 2] = (pixels[i + b]! - pixels[prev + b]!) & 0xff;
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level })), chunk('IEND', Buffer.alloc(0))]);
}
