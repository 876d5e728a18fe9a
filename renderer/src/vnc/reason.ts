/**
 * noVNC reads an RFB failure reason one byte per character (Latin-1); the relay and the host send
 * UTF-8 (the protocol's reasons are bytes, and ours name computers). Decodes the bytes again, so
 * “ridge-50” arrives as written instead of "âridge-50â"; text that is not UTF-8 stays as read.
 */
export function rfbReason(read: string): string {
  if (![...read].every((c) => c.charCodeAt(0) < 256)) return read;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(read, (c) => c.charCodeAt(0)));
  } catch {
    return read;
  }
}
