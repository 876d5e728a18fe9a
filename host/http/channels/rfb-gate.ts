/**
 * The RFB gate for viewers that come without a token (Orgo's embed, plain noVNC pages): the host
 * answers RFB's version and security handshake itself (RFC 6143 §7.1-7.2), offering only VNC
 * authentication with a challenge of its own, and checks the response against the computer's
 * password in constant time, with failed attempts limited per computer and per remote address.
 * Only then does it open Xvnc's unix socket and do the handshake there as a client, so nothing
 * from an unauthenticated viewer ever reaches the X server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { vncAuthResponse } from '../../../shared/node/vnc-password.js';
import { logger } from '../../../shared/node/log.js';
import { AttemptLimiter } from '../../auth/attempts.js';

const log = logger('vnc-gate');
const VERSION = Buffer.from('RFB 003.008\n');
const SEC_NONE = 1;
const SEC_VNC = 2;
/** A viewer that does not finish the handshake in this long is dropped. */
const HANDSHAKE_MS = 15_000;

/** Per remote address: a person mistyping; per computer: many addresses guessing at one password. */
export const ATTEMPTS_PER_ADDRESS = { limit: 5, windowMs: 60_000 };
export const ATTEMPTS_PER_COMPUTER = { limit: 20, windowMs: 60_000 };

export class RfbGateError extends Error {}

/** Bytes from a websocket or a socket, read in exact amounts. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private size = 0;
  private waiter: (() => void) | null = null;
  private ended: string | null = null;

  push = (b: Buffer): void => {
    this.chunks.push(b);
    this.size += b.length;
    this.waiter?.();
  };

  end = (why: string): void => {
    this.ended ??= why;
    this.waiter?.();
  };

  async read(n: number): Promise<Buffer> {
    while (this.size < n) {
      if (this.ended) throw new RfbGateError(this.ended);
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = null;
    }
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.size = all.length - n;
    return all.subarray(0, n);
  }

  /** What arrived beyond the handshake, handed to the splice. */
  rest(): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return all;
  }
}

export interface Limits {
  byAddress: AttemptLimiter;
  byComputer: AttemptLimiter;
}

export const newLimits = (): Limits => ({ byAddress: new AttemptLimiter(ATTEMPTS_PER_ADDRESS), byComputer: new AttemptLimiter(ATTEMPTS_PER_COMPUTER) });

function withReason(head: Buffer, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(text.length);
  return Buffer.concat([head, len, text]);
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};

/**
 * Toward the viewer: version, security type VNC, our challenge, its response checked. Answers the
 * failure itself (SecurityResult 1, with a reason from 3.8 on) and throws; on success sends nothing
 * yet: the OK goes out once the desktop's side is open too.
 */
export async function gateViewer(
  ws: WebSocket,
  q: ByteQueue,
  who: { computerId: string; password: string; address: string },
  limits: Limits,
): Promise<number> {
  ws.send(VERSION);
  const m = /^RFB 003\.(\d{3})\n$/.exec((await q.read(12)).toString('latin1'));
  if (!m) throw new RfbGateError('the viewer did not speak RFB');
  const minor = Number(m[1]) >= 8 ? 8 : Number(m[1]) >= 7 ? 7 : 3;
  if (minor >= 7) {
    ws.send(Buffer.from([1, SEC_VNC]));
    const choice = (await q.read(1))[0];
    if (choice !== SEC_VNC) {
      ws.send(withReason(u32(1), 'Only VNC authentication is offered'));
      throw new RfbGateError(`the viewer chose security type ${choice}`);
    }
  } else {
    ws.send(u32(SEC_VNC)); // 3.3: the server decides
  }
  const challenge = randomBytes(16);
  ws.send(challenge);
  const response = await q.read(16);

  const addressKey = `addr:${who.address}`;
  const computerKey = `computer:${who.computerId}`;
  const wait = Math.max(limits.byAddress.lockedFor(addressKey), limits.byComputer.lockedFor(computerKey));
  const refuse = (reason: string) => ws.send(minor === 8 ? withReason(u32(1), reason) : u32(1));
  if (wait > 0) {
    // Refused without looking at the response: a locked key learns nothing from its guesses.
    log.warn(`VNC authentication for computer ${who.computerId} from ${who.address} refused: too many failed attempts (${wait} s left)`);
    refuse(`Too many attempts, try again in ${wait} s`);
    throw new RfbGateError('rate limited');
  }
  const expected = await vncAuthResponse(who.password, challenge);
  if (!timingSafeEqual(expected, response)) {
    limits.byAddress.fail(addressKey);
    limits.byComputer.fail(computerKey);
    log.warn(`VNC authentication for computer ${who.computerId} from ${who.address} failed: wrong password`);
    refuse('Authentication failed: wrong VNC password');
    throw new RfbGateError('wrong password');
  }
  return minor;
}

/** Toward Xvnc on its unix socket, as a client: version, VNC authentication, result. */
export async function openDesktop(sock: Socket, q: ByteQueue, password: string): Promise<void> {
  const version = (await q.read(12)).toString('latin1');
  if (!/^RFB 003\.\d{3}\n$/.test(version)) throw new RfbGateError('the desktop did not speak RFB');
  sock.write(VERSION);
  const count = (await q.read(1))[0]!;
  if (count === 0) throw new RfbGateError('the desktop refused the connection');
  const types = [...(await q.read(count))];
  if (types.includes(SEC_VNC)) {
    sock.write(Buffer.from([SEC_VNC]));
    sock.write(await vncAuthResponse(password, await q.read(16)));
  } else if (types.includes(SEC_NONE)) {
    sock.write(Buffer.from([SEC_NONE]));
  } else {
    throw new RfbGateError(`the desktop offers no known security type (${types.join(', ')})`);
  }
  if ((await q.read(4)).readUInt32BE(0) !== 0) throw new RfbGateError('the desktop refused its own password');
}

/** Both handshakes, then what the viewer sent meanwhile (its ClientInit) for the splice. */
export async function passGate(
  ws: WebSocket,
  viewer: ByteQueue,
  desktop: { sock: () => Socket; queue: ByteQueue },
  who: { computerId: string; password: string; address: string },
  limits: Limits,
): Promise<Buffer> {
  const timer = setTimeout(() => {
    viewer.end('the viewer took too long to authenticate');
    desktop.queue.end('the desktop took too long to answer');
  }, HANDSHAKE_MS);
  try {
    const minor = await gateViewer(ws, viewer, who, limits);
    try {
      await openDesktop(desktop.sock(), desktop.queue, who.password);
    } catch (e) {
      ws.send(minor === 8 ? withReason(u32(1), 'The desktop is not accepting connections') : u32(1));
      throw e;
    }
    ws.send(u32(0)); // SecurityResult OK
    return viewer.rest();
  } finally {
    clearTimeout(timer);
  }
}
