/**
 * The VNC loopback relay against a real host and real desktops: noVNC's side needs no password,
 * the one-time URL works once, and a computer that is not running is refused in words that
 * noVNC shows (RFB's failure reason). The first frame is asked for while the viewer loads and
 * follows ServerInit unasked: the whole screen, in Tight with JPEG as noVNC asks for it.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useAppWithComputer } from '../helpers/app-computer.js';

const fx = useAppWithComputer({ workspace: 'relay', computer: 'relay-1', listen: (s) => s.gate.listen() });

/** Speaks RFB as noVNC would to the relay, with no password at hand: answers ServerInit or the failure reason. */
async function handshake(url: string, after?: (read: (n: number) => Promise<Buffer>) => Promise<unknown>): Promise<{ width: number; height: number; name: string; after?: unknown } | { refused: string }> {
  const ws = new WebSocket(url, ['binary']);
  let buf = Buffer.alloc(0);
  let wake = () => {};
  ws.on('message', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    wake();
  });
  const read = async (n: number) => {
    while (buf.length < n) await new Promise<void>((r) => (wake = r));
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  try {
    expect((await read(12)).toString()).toBe('RFB 003.008\n');
    ws.send(Buffer.from('RFB 003.008\n'));
    const count = (await read(1))[0]!;
    if (count === 0) {
      const len = (await read(4)).readUInt32BE(0);
      return { refused: (await read(len)).toString() };
    }
    expect([...(await read(count))]).toEqual([1]); // None: the relay did the VNC authentication
    ws.send(Buffer.from([1]));
    expect((await read(4)).readUInt32BE(0)).toBe(0);
    ws.send(Buffer.from([1]));
    const init = await read(24);
    const name = (await read(init.readUInt32BE(20))).toString();
    return { width: init.readUInt16BE(0), height: init.readUInt16BE(2), name, after: await after?.(read) };
  } finally {
    ws.close();
  }
}

/** Tight's compact length (1-3 bytes, 7 bits each). */
async function compact(read: (n: number) => Promise<Buffer>): Promise<number> {
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const b = (await read(1))[0]!;
    n |= (b & (i === 2 ? 0xff : 0x7f)) << (7 * i);
    if (!(b & 0x80) || i === 2) break;
  }
  return n;
}

/**
 * The first server message after ServerInit, read as a FramebufferUpdate of Tight rects (RFB's
 * Tight encoding, 32-bit true colour: 3-byte pixels): the kinds of rect and the area they cover.
 */
async function firstUpdate(read: (n: number) => Promise<Buffer>): Promise<{ type: number; area: number; kinds: string[] }> {
  const head = await read(4);
  if (head[0] !== 0) return { type: head[0]!, area: 0, kinds: [] };
  const count = head.readUInt16BE(2);
  let area = 0;
  const kinds = new Set<string>();
  for (let i = 0; i < count; i++) {
    const r = await read(12);
    const [w, h, enc] = [r.readUInt16BE(4), r.readUInt16BE(6), r.readInt32BE(8)];
    if (enc === -224) break; // LastRect
    if (enc !== 7) throw new Error(`rect ${i} in encoding ${enc}, not Tight`);
    area += w * h;
    const control = (await read(1))[0]! >> 4;
    if (control === 8) {
      kinds.add('fill');
      await read(3);
    } else if (control === 9) {
      kinds.add('jpeg');
      await read(await compact(read));
    } else {
      let size = w * h * 3;
      if (control & 4) {
        const filter = (await read(1))[0]!;
        if (filter === 1) {
          const colours = (await read(1))[0]! + 1;
          await read(colours * 3);
          size = colours === 2 ? Math.ceil(w / 8) * h : w * h;
        }
      }
      kinds.add('basic');
      await read(size < 12 ? size : await compact(read));
    }
  }
  return { type: 0, area, kinds: [...kinds].sort() };
}

describe('VNC relay', () => {
  it('has the first frame waiting: the whole screen follows ServerInit before noVNC asks, in Tight with JPEG', async () => {
    const r = await handshake(fx.app.services.relay.ticket(fx.computer.id), firstUpdate);
    expect(r).toMatchObject({ width: 1280, height: 720, after: { type: 0, area: 1280 * 720 } });
    expect((r as { after: { kinds: string[] } }).after.kinds).toContain('jpeg');
  });


  it('gives noVNC the desktop with no password, through a loopback URL', async () => {
    const url = fx.app.services.relay.ticket(fx.computer.id);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/vnc\/[A-Za-z0-9_-]{32}$/);
    expect(url).not.toContain(fx.computer.vnc_password);
    const r = await handshake(url);
    expect(r).toMatchObject({ width: 1280, height: 720 });
  });

  it('lets go of the computer when the viewer leaves in the middle of its handshake', async () => {
    const relay = fx.app.services.relay;
    const url = relay.ticket(fx.computer.id);
    // The computer's side opens (and authenticates) as soon as the URL is handed out.
    await expect.poll(() => relay.upstreamCount(), { timeout: 10_000 }).toBe(1);
    const ws = new WebSocket(url, ['binary']);
    let got = 0;
    const greeted = new Promise<void>((r) =>
      ws.on('message', (d: Buffer) => {
        got += d.length;
        if (got === 12) ws.send(Buffer.from('RFB 003.008\n'));
        else if (got > 12) r(); // the security types: now leave, before choosing one
      }),
    );
    await greeted;
    ws.close();
    await expect.poll(() => relay.upstreamCount(), { timeout: 10_000 }).toBe(0);
    expect(relay.liveCount()).toBe(0);
  });

  it('uses each URL once', async () => {
    const url = fx.app.services.relay.ticket(fx.computer.id);
    await handshake(url);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  it('keeps working after a restart rotates the VNC password', async () => {
    const before = (await fx.t.client.getComputer(fx.computer.id)).vnc_password;
    await fx.t.client.restartComputer(fx.computer.id);
    expect((await fx.t.client.getComputer(fx.computer.id)).vnc_password).not.toBe(before);
    expect(await handshake(fx.app.services.relay.ticket(fx.computer.id))).toMatchObject({ width: 1280 });
  });

  it('refuses a stopped computer in words noVNC shows', async () => {
    await fx.t.client.stopComputer(fx.computer.id);
    const r = await handshake(fx.app.services.relay.ticket(fx.computer.id));
    expect(r).toEqual({ refused: '“relay-1” is stopped, not running' });
    await fx.t.client.startComputer(fx.computer.id);
  });
});
