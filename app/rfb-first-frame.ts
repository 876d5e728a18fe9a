/**
 * The viewer's first frame, asked for by the relay as soon as the computer's side is
 * authenticated, while the viewer's page is still loading: the computer encodes the picture
 * meanwhile, and the frame waits in the relay to follow the viewer's ServerInit at once.
 *
 * Asked exactly as noVNC would ask (its pixel format, Tight with JPEG at the viewer's quality), so
 * noVNC decodes it as its own. Without Fence and ContinuousUpdates: the server's fence-paced
 * congestion control would send the frame in pieces a round trip apart (measured: 200-500 ms
 * under load for one 1280x720 desktop); noVNC's own encodings, which follow, turn it on for
 * everything after. Nor the desktop-size or cursor encodings: a server answers a request with a
 * pending screen layout or cursor shape by that alone (TigerVNC sends no pixels until the next
 * request: measured, a 50-byte first update); noVNC learns the size from ServerInit, and the
 * cursor shape comes with its own encodings a moment later. noVNC's own full-screen request still follows; the
 * server answers it too.
 */

/** noVNC's SetPixelFormat for a 24-bit desktop: 32 bpp, little-endian, red at 0, green 8, blue 16. */
function pixelFormat(): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt8(0, 0); // SetPixelFormat
  b.writeUInt8(32, 4);
  b.writeUInt8(24, 5);
  b.writeUInt8(0, 6); // little-endian
  b.writeUInt8(1, 7); // true colour
  b.writeUInt16BE(255, 8);
  b.writeUInt16BE(255, 10);
  b.writeUInt16BE(255, 12);
  b.writeUInt8(0, 14);
  b.writeUInt8(8, 15);
  b.writeUInt8(16, 16);
  return b;
}

/** RFB encoding numbers (RFC 6143 and the community registry), as noVNC names them. */
const TIGHT = 7;
const ZRLE = 16;
const HEXTILE = 5;
const RAW = 0;
const QUALITY_0 = -32;
const COMPRESS_0 = -256;
const LAST_RECT = -224;

function encodings(quality: number, compression: number): Buffer {
  const list = [TIGHT, ZRLE, HEXTILE, RAW, QUALITY_0 + quality, COMPRESS_0 + compression, LAST_RECT];
  const b = Buffer.alloc(4 + 4 * list.length);
  b.writeUInt8(2, 0); // SetEncodings
  b.writeUInt16BE(list.length, 2);
  list.forEach((e, i) => b.writeInt32BE(e | 0, 4 + 4 * i));
  return b;
}

function fullUpdateRequest(width: number, height: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt8(3, 0); // FramebufferUpdateRequest
  b.writeUInt8(0, 1); // not incremental: the whole screen
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  return b;
}

/** Picture settings a viewer asks with (noVNC's qualityLevel and compressionLevel, 0-9). */
export interface FirstFramePicture {
  quality?: number;
  compression?: number;
}

/** The bytes that ask the computer for a whole first frame, for the screen its ServerInit describes. */
export function firstFrameRequest(serverInit: Buffer, picture: FirstFramePicture = {}): Buffer {
  const level = (v: number | undefined, d: number) => (Number.isInteger(v) && v! >= 0 && v! <= 9 ? v! : d);
  return Buffer.concat([pixelFormat(), encodings(level(picture.quality, 6), level(picture.compression, 2)), fullUpdateRequest(serverInit.readUInt16BE(0), serverInit.readUInt16BE(2))]);
}
