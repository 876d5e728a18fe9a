/**
 * The two halves of the VNC relay's handshake (RFB 3.8, RFC 6143 §7.1-7.2): as a client toward
 * the computer (VNC authentication with the password, which only main knows) and as a server
 * toward noVNC (security type None, or a failure with a reason noVNC shows in words).
 */
import type { WebSocket } from 'ws';
import { vncAuthResponse } from '../shared/node/vnc-password.js';

const VERSION = Buffer.from('RFB 003.008\n');
const SEC_NONE = 1;
const SEC_VNC = 2;

export class RfbHandshakeError extends Error {}

/** Bytes from a websocket, read in exact amounts. */
export class ByteReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private waiter: (() => void) | null = null;
  private closed: { code: number; reason: string } | null = null;
  private detached = false;

  constructor(private readonly ws: WebSocket) {
    ws.on('message', this.onMessage);
    ws.on('close', this.onClose);
  }

  private onMessage = (d: Buffer | ArrayBuffer | Buffer[]) => {
    if (this.detached) return;
    const b = Array.isArray(d) ? Buffer.concat(d) : Buffer.isBuffer(d) ? d : Buffer.from(d);
    this.chunks.push(b);
    this.size += b.length;
    this.waiter?.();
  };

  private onClose = (code: number, reason: Buffer) => {
    this.closed = { code, reason: reason.toString() };
    this.waiter?.();
  };

  get closeInfo() {
    return this.closed;
  }

  async read(n: number): Promise<Buffer> {
    while (this.size < n) {
      if (this.closed) throw new RfbHandshakeError(`closed (${this.closed.code}${this.closed.reason ? ` ${this.closed.reason}` : ''})`);
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = null;
    }
    const all = Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.size = all.length - n;
    return all.subarray(0, n);
  }

  /** Stops reading and hands back whatever arrived beyond the handshake. */
  detach(): Buffer {
    this.detached = true;
    this.ws.off('message', this.onMessage);
    this.ws.off('close', this.onClose);
    const rest = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return rest;
  }
}

async function readReason(r: ByteReader): Promise<string> {
  const len = (await r.read(4)).readUInt32BE(0);
  return (await r.read(Math.min(len, 4096))).toString('utf8');
}

/** Toward the computer: version, security (VNC auth with `password`), result. */
export async function authenticateUpstream(ws: WebSocket, r: ByteReader, password: string): Promise<void> {
  const version = (await r.read(12)).toString('latin1');
  if (!/^RFB 003\.\d{3}\n$/.test(version)) throw new RfbHandshakeError(`the computer did not speak VNC (${JSON.stringify(version)})`);
  ws.send(VERSION);
  const count = (await r.read(1))[0]!;
  if (count === 0) throw new RfbHandshakeError(`the computer refused the connection: ${await readReason(r)}`);
  const types = [...(await r.read(count))];
  if (types.includes(SEC_VNC)) {
    ws.send(Buffer.from([SEC_VNC]));
    const challenge = await r.read(16);
    ws.send(await vncAuthResponse(password, challenge));
  } else if (types.includes(SEC_NONE)) {
    ws.send(Buffer.from([SEC_NONE]));
  } else {
    throw new RfbHandshakeError(`the computer offers no security type this app supports (${types.join(', ')})`);
  }
  const result = (await r.read(4)).readUInt32BE(0);
  if (result !== 0) {
    const reason = await readReason(r).catch(() => '');
    throw new RfbHandshakeError(`the computer refused the VNC password${reason ? `: ${reason}` : ''}`);
  }
}

/**
 * Toward the computer, right after authenticating: ClientInit (shared) and the ServerInit it
 * answers, kept whole to hand to the viewer. Done while the viewer's page still loads, so the
 * viewer's own ClientInit is answered at once instead of after a round trip to the computer.
 */
export async function initUpstream(ws: WebSocket, r: ByteReader): Promise<Buffer> {
  ws.send(Buffer.from([1]));
  const head = await r.read(24);
  const nameLength = head.readUInt32BE(20);
  if (nameLength > 4096) throw new RfbHandshakeError('the computer sent a desktop name too long to be one');
  return Buffer.concat([head, await r.read(nameLength)]);
}

/** Toward noVNC after its security: its ClientInit, answered with the computer's ServerInit. */
export async function initDownstream(ws: WebSocket, r: ByteReader, serverInit: Buffer): Promise<void> {
  // Shared or not, the computer's side was opened shared: one viewer never disconnects another.
  await r.read(1);
  ws.send(serverInit);
}

/** Toward noVNC: the version exchange. Answers the client's minor version. */
export async function greetDownstream(ws: WebSocket, r: ByteReader): Promise<number> {
  ws.send(VERSION);
  const version = (await r.read(12)).toString('latin1');
  const m = /^RFB 003\.(\d{3})\n$/.exec(version);
  if (!m) throw new RfbHandshakeError('the viewer did not speak VNC');
  return Number(m[1]);
}

/** Toward noVNC after the greeting: security None and OK, so noVNC never needs a password. */
export async function acceptDownstream(ws: WebSocket, r: ByteReader, minor: number): Promise<void> {
  if (minor < 7) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(SEC_NONE);
    ws.send(b);
    return;
  }
  ws.send(Buffer.from([1, SEC_NONE]));
  const choice = (await r.read(1))[0];
  if (choice !== SEC_NONE) throw new RfbHandshakeError('the viewer chose an unknown security type');
  if (minor >= 8) ws.send(Buffer.alloc(4)); // SecurityResult OK
}

/** Toward noVNC after the greeting: a failure whose reason noVNC shows (its securityfailure event). */
export function refuseDownstream(ws: WebSocket, minor: number, reason: string): void {
  const text = Buffer.from(reason, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(text.length);
  if (minor < 7) {
    ws.send(Buffer.concat([Buffer.alloc(4), len, text]));
  } else {
    ws.send(Buffer.concat([Buffer.from([0]), len, text]));
  }
}
