/**
 * VNC without a token, as Orgo's embed and plain noVNC pages connect: `/websockify` and
 * `/ws/websockify` with no `?token=`, authenticated inside RFB with the VNC password. The host
 * answers the security handshake itself (its own challenge), lets the right password through to
 * the real desktop, refuses a wrong one before anything reaches Xvnc, and limits failures per
 * address and per computer with a reason a viewer shows.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ATTEMPTS_PER_ADDRESS, ATTEMPTS_PER_COMPUTER } from '../../host/http/channels/rfb-gate.js';
import { newVncPassword } from '../../host/services/names.js';
import { vncAuthResponse } from '../../shared/node/vnc-password.js';
import type { Computer } from '../../shared/api/types.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { decodePng } from '../helpers/png.js';
import { connectRfb } from '../helpers/rfb.js';

let t: TestHost;
let pc: Computer;
const gateUrl = (c: Computer, alias = true) => c.connection_url.replace(/^http/, 'ws') + (alias ? '/websockify' : '/ws/websockify');
/** Loopback has all of 127/8: each address below is a distinct remote address to the host. */
const from = (address: string) => ({ localAddress: address });

/** The first steps of RFB by hand: the version, the security types, the challenge. */
async function firstSteps(url: string): Promise<{ types: number[]; challenge: Buffer; ws: WebSocket }> {
  const ws = new WebSocket(url, ['binary']);
  const chunks: Buffer[] = [];
  ws.on('message', (d: Buffer) => chunks.push(d));
  const until = async (n: number) => {
    while (Buffer.concat(chunks).length < n) await new Promise((r) => setTimeout(r, 10));
    return Buffer.concat(chunks);
  };
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  expect((await until(12)).subarray(0, 12).toString()).toBe('RFB 003.008\n');
  ws.send(Buffer.from('RFB 003.008\n'));
  const count = (await until(13))[12]!;
  const types = [...(await until(13 + count)).subarray(13, 13 + count)];
  ws.send(Buffer.from([2]));
  const challenge = (await until(13 + count + 16)).subarray(13 + count, 13 + count + 16);
  return { types, challenge, ws };
}

/** RGBA from RFB against RGB from a PNG: the top `rows` rows alike, to 1 in 1000 pixels. */
function sameScreen(rgba: Buffer, rgb: Buffer, width: number, rows: number): boolean {
  let differ = 0;
  for (let p = 0; p < width * rows; p++) {
    if (rgba[p * 4] !== rgb[p * 3] || rgba[p * 4 + 1] !== rgb[p * 3 + 1] || rgba[p * 4 + 2] !== rgb[p * 3 + 2]) differ++;
  }
  return differ <= (width * rows) / 1000;
}

/** Connections Xvnc itself accepted, from its log. */
const xvncAccepted = (c: Computer) => (readFileSync(`${t.dataDir}/run/${c.instance_id}/orgo/xvnc.log`, 'utf8').match(/Connections: accepted/g) ?? []).length;

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('gate');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'gate', resolution: '1024x768x24' });
});
afterAll(() => t?.close());

describe('VNC without a token', () => {
  it('offers VNC authentication with a fresh challenge of its own, and lets the right password through to the desktop', async () => {
    const a = await firstSteps(gateUrl(pc));
    const b = await firstSteps(gateUrl(pc, false));
    expect(a.types).toEqual([2]);
    expect(a.challenge).toHaveLength(16);
    expect(a.challenge.equals(b.challenge)).toBe(false);
    a.ws.close();
    b.ws.close();

    for (const alias of [true, false]) {
      const s = await connectRfb(gateUrl(pc, alias), pc.vnc_password, {}, from('127.0.0.1'));
      expect([s.width, s.height]).toEqual([1024, 768]);
      // The desktop as the API's screenshot shows it, through the host's splice (all but the panel's clock).
      const screen = await s.capture();
      const shot = decodePng(await t.client.screenshotBytes(pc.id));
      expect(sameScreen(screen, shot.rgb, 1024, 700)).toBe(true);
      s.close();
    }
  });

  it('refuses a wrong password in words, before anything reaches Xvnc, and logs it', async () => {
    const before = xvncAccepted(pc);
    const stderr = vi.spyOn(process.stderr, 'write');
    await expect(connectRfb(gateUrl(pc), 'not-the-password', {}, from('127.0.0.2'))).rejects.toThrow('authentication failed: Authentication failed: wrong VNC password');
    // A response computed from the first 8 characters is the DES check VNC defines: that passes.
    const s = await connectRfb(gateUrl(pc), pc.vnc_password.slice(0, 8), {}, from('127.0.0.2'));
    s.close();
    expect(xvncAccepted(pc)).toBe(before + 1);
    const logged = stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('[vnc-gate]'));
    stderr.mockRestore();
    expect(logged).toEqual([expect.stringContaining(`VNC authentication for computer ${pc.id} from 127.0.0.2 failed: wrong password`)]);
  });

  it(`locks an address out after ${ATTEMPTS_PER_ADDRESS.limit} failures a minute, right password or not, and only that address`, async () => {
    for (let i = 0; i < ATTEMPTS_PER_ADDRESS.limit; i++) {
      await expect(connectRfb(gateUrl(pc), `wrong-${i}`, {}, from('127.0.0.3'))).rejects.toThrow(/wrong VNC password/);
    }
    const locked = connectRfb(gateUrl(pc), pc.vnc_password, {}, from('127.0.0.3'));
    await expect(locked).rejects.toThrow(/Too many attempts, try again in \d+ s/);
    const wait = Number(/in (\d+) s/.exec(String(await locked.catch((e: Error) => e.message)))![1]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    const other = await connectRfb(gateUrl(pc), pc.vnc_password, {}, from('127.0.0.4'));
    expect(other.width).toBe(1024);
    other.close();
    // The token keeps working from the locked address: it never meets the gate.
    const withToken = await connectRfb(`${gateUrl(pc)}?token=${pc.vnc_password}`, pc.vnc_password, {}, from('127.0.0.3'));
    withToken.close();
  });

  it(`locks a computer out after ${ATTEMPTS_PER_COMPUTER.limit} failures a minute from many addresses`, async () => {
    const ws = await t.client.createWorkspace('gate-2');
    const target = await t.client.createComputer({ workspace_id: ws.id, name: 'target' });
    const perAddress = ATTEMPTS_PER_ADDRESS.limit - 1;
    let n = 0;
    for (let a = 1; n < ATTEMPTS_PER_COMPUTER.limit; a++) {
      for (let i = 0; i < perAddress && n < ATTEMPTS_PER_COMPUTER.limit; i++, n++) {
        await expect(connectRfb(gateUrl(target), `guess-${n}`, {}, from(`127.0.1.${a}`))).rejects.toThrow(/wrong VNC password/);
      }
    }
    await expect(connectRfb(gateUrl(target), target.vnc_password, {}, from('127.0.2.1'))).rejects.toThrow(/Too many attempts/);
    // Other computers are not affected.
    const s = await connectRfb(gateUrl(pc), pc.vnc_password, {}, from('127.0.2.1'));
    s.close();
    await t.client.deleteComputer(target.id);
  });

  it('lets a page on another site in (the embed lives on its own site), but not with a token', async () => {
    const s = await connectRfb(gateUrl(pc), pc.vnc_password, { Origin: 'https://app.example' }, from('127.0.0.5'));
    expect(s.width).toBe(1024);
    s.close();
    await expect(connectRfb(`${gateUrl(pc)}?token=${pc.vnc_password}`, pc.vnc_password, { Origin: 'https://app.example' })).rejects.toThrow('HTTP 403');
  });
});

describe('VNC passwords', () => {
  it('are random in their first 8 characters, the ones VNC authentication reads, and every bit of them counts', async () => {
    const prefixes = new Set(Array.from({ length: 2000 }, () => newVncPassword().slice(0, 8)));
    expect(prefixes.size).toBe(2000);
    const seen = new Set([...prefixes].join(''));
    expect(seen.size).toBe(62); // every character of the alphabet, at every position over the sample
    // VNC's DES mirrors each key byte and drops one bit of it; for ASCII that is the always-zero
    // top bit, so flipping any of the 7 low bits of any of the 8 characters changes the answer.
    const challenge = Buffer.alloc(16, 7);
    const base = 'AbCdEfGh';
    const answer = await vncAuthResponse(base, challenge);
    for (let pos = 0; pos < 8; pos++) {
      for (let bit = 0; bit < 7; bit++) {
        const flipped = base.slice(0, pos) + String.fromCharCode(base.charCodeAt(pos) ^ (1 << bit)) + base.slice(pos + 1);
        expect((await vncAuthResponse(flipped, challenge)).equals(answer), `${pos}:${bit}`).toBe(false);
      }
    }
  });
});
