/** Screen pixels to PNG and back: exact colours, for the X server's pixel formats. */
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../host/imaging/png.js';
import { decodePng } from '../helpers/png.js';

function bgrxImage(width: number, height: number, stridePad = 0) {
  const stride = width * 4 + stridePad;
  const pixels = Buffer.alloc(stride * height);
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = [(x * 7 + y) & 0xff, (y * 13) & 0xff, (x * y) & 0xff];
      pixels.set([b, g, r, 0x5a], y * stride + x * 4);
      rgb.set([r, g, b], (y * width + x) * 3);
    }
  }
  return { img: { pixels, width, height, format: { bitsPerPixel: 32, stride, redMask: 0xff0000, greenMask: 0xff00, blueMask: 0xff } }, rgb };
}

describe('PNG encoding', () => {
  it('keeps every pixel of 32-bit B,G,R,X screens', () => {
    const { img, rgb } = bgrxImage(97, 61);
    const d = decodePng(encodePng(img));
    expect([d.width, d.height]).toEqual([97, 61]);
    expect(d.rgb.equals(rgb)).toBe(true);
  });

  it('honours padded rows', () => {
    const { img, rgb } = bgrxImage(33, 20, 12);
    expect(decodePng(encodePng(img)).rgb.equals(rgb)).toBe(true);
  });

  it('converts 16-bit (5-6-5) screens', () => {
    const [width, height] = [4, 2];
    const pixels = Buffer.alloc(width * height * 2);
    // pure red, green, blue, white, then black x4
    [0xf800, 0x07e0, 0x001f, 0xffff].forEach((v, i) => pixels.writeUInt16LE(v, i * 2));
    const d = decodePng(encodePng({ pixels, width, height, format: { bitsPerPixel: 16, stride: width * 2, redMask: 0xf800, greenMask: 0x07e0, blueMask: 0x001f } }));
    expect([...d.rgb.subarray(0, 12)]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    expect([...d.rgb.subarray(12)]).toEqual(new Array(12).fill(0));
  });
});
