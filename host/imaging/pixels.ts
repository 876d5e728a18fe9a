/** Raw screen pixels as an X server hands them over (ZPixmap), and their conversion to RGB. */

/** How a pixel is laid out: little-endian words of bitsPerPixel bits, channels picked by mask. */
export interface PixelFormat {
  bitsPerPixel: number;
  /** Bytes from one row to the next (rows are padded). */
  stride: number;
  redMask: number;
  greenMask: number;
  blueMask: number;
}

export interface Image {
  pixels: Buffer;
  width: number;
  height: number;
  format: PixelFormat;
}

/** 32-bit pixels with 8-bit channels at R=16, G=8, B=0: bytes B, G, R, X. What Xvnc serves at depth 24. */
export function isBgrx(f: PixelFormat): boolean {
  return f.bitsPerPixel === 32 && f.redMask === 0xff0000 && f.greenMask === 0xff00 && f.blueMask === 0xff;
}

/** Packed RGB (3 bytes a pixel, no row padding) from any TrueColor format; the slow, general path. */
export function toRgb(img: Image): Buffer {
  const { width, height, format: f, pixels } = img;
  const out = Buffer.allocUnsafe(width * height * 3);
  const channel = (mask: number) => {
    const shift = mask ? 31 - Math.clz32(mask & -mask) : 0;
    const bits = mask ? 32 - Math.clz32(mask >>> shift) : 1;
    return { shift, max: (1 << bits) - 1 };
  };
  const [r, g, b] = [channel(f.redMask), channel(f.greenMask), channel(f.blueMask)];
  const bytes = f.bitsPerPixel / 8;
  let o = 0;
  for (let y = 0; y < height; y++) {
    let i = y * f.stride;
    for (let x = 0; x < width; x++, i += bytes) {
      const v = bytes === 4 ? pixels.readUInt32LE(i) : bytes === 2 ? pixels.readUInt16LE(i) : bytes === 3 ? pixels.readUIntLE(i, 3) : pixels[i]!;
      out[o++] = Math.round((((v & f.redMask) >>> r.shift) * 255) / r.max);
      out[o++] = Math.round((((v & f.greenMask) >>> g.shift) * 255) / g.max);
      out[o++] = Math.round((((v & f.blueMask) >>> b.shift) * 255) / b.max);
    }
  }
  return out;
}
