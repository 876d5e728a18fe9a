/** JPEG encoding of raw screen pixels with libjpeg-turbo (prebuilt binding, no compiler needed). */
import { createRequire } from 'node:module';
import { isBgrx, toRgb, type Image } from './pixels.js';

const require = createRequire(import.meta.url);
const turbo = require('@julusian/jpeg-turbo') as typeof import('@julusian/jpeg-turbo');

/** Encodes a screen image as a baseline JPEG; `quality` 1–100. */
export function encodeJpeg(img: Image, quality: number): Buffer {
  const { width, height } = img;
  if (isBgrx(img.format)) {
    return turbo.compressSync(img.pixels, { format: turbo.FORMAT_BGRX, width, height, stride: img.format.stride / 4, quality, subsampling: turbo.SAMP_420 });
  }
  return turbo.compressSync(toRgb(img), { format: turbo.FORMAT_RGB, width, height, quality, subsampling: turbo.SAMP_420 });
}
