/**
 * Resampling a screen image: a region of it (the whole screen by default) to a target size, by
 * averaging each target pixel's box of source pixels (so text thins out evenly instead of
 * dropping whole columns, as nearest-neighbour would), or repeating pixels when enlarging. The
 * agent loop uses it to fit screenshots within a model's image limits and for zoom.
 */
import { isBgrx, toRgb, type Image } from './pixels.js';

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The pixels as 32-bit B,G,R,X words, one row after another without padding. */
function words(img: Image): { px: Uint32Array; stride: number } {
  if (isBgrx(img.format)) {
    const src = img.pixels.byteOffset % 4 ? Buffer.from(img.pixels) : img.pixels;
    return { px: new Uint32Array(src.buffer, src.byteOffset, src.length >> 2), stride: img.format.stride >> 2 };
  }
  const rgb = toRgb(img);
  const px = new Uint32Array(img.width * img.height);
  for (let i = 0, j = 0; i < px.length; i++, j += 3) px[i] = (rgb[j]! << 16) | (rgb[j + 1]! << 8) | rgb[j + 2]!;
  return { px, stride: img.width };
}

export function resample(img: Image, width: number, height: number, region: Region = { x: 0, y: 0, width: img.width, height: img.height }): Image {
  const { px, stride } = words(img);
  const out = new Uint32Array(width * height);
  const sx = region.width / width;
  const sy = region.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = region.y + Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, region.y + Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = region.x + Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, region.x + Math.floor((x + 1) * sx));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let yy = y0; yy < y1; yy++) {
        let i = yy * stride + x0;
        for (let xx = x0; xx < x1; xx++, i++) {
          const v = px[i]!;
          r += (v >>> 16) & 0xff;
          g += (v >>> 8) & 0xff;
          b += v & 0xff;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      out[y * width + x] = (Math.round(r / n) << 16) | (Math.round(g / n) << 8) | Math.round(b / n);
    }
  }
  return {
    pixels: Buffer.from(out.buffer, out.byteOffset, out.byteLength),
    width,
    height,
    format: { bitsPerPixel: 32, stride: width * 4, redMask: 0xff0000, greenMask: 0xff00, blueMask: 0xff },
  };
}

/** A small picture of the screen by point sampling: cheap enough to take at every step. */
export function thumbnail(img: Image, width: number): Image {
  const height = Math.max(1, Math.round((img.height * width) / img.width));
  const { px, stride } = words(img);
  const out = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(((y + 0.5) * img.height) / height) * stride;
    for (let x = 0; x < width; x++) out[y * width + x] = px[row + Math.floor(((x + 0.5) * img.width) / width)]!;
  }
  return { pixels: Buffer.from(out.buffer), width, height, format: { bitsPerPixel: 32, stride: width * 4, redMask: 0xff0000, greenMask: 0xff00, blueMask: 0xff } };
}
