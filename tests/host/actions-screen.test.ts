/** Screenshots of real desktops: sizes, formats, raw bytes, and that they show what is there. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { call, eventually, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { changedPixels, decodePng } from '../helpers/png.js';
import { computerProcesses } from '../helpers/procs.js';
import { actionsFor } from '../../host/services/actions.js';

let t: TestHost;
let pc: Computer;

/** `image` is bare base64, as Orgo's SDK decodes it (b64decode of the string as it comes). */
const fromBase64 = (image: string) => {
  expect(image).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  return Buffer.from(image, 'base64');
};

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.api}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}`, ...headers } });

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('screen');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'screen' });
});
afterAll(() => t?.close());

describe('screenshot', () => {
  it('answers bare base64 of a PNG of the whole screen at the computer resolution', async () => {
    const r = await t.client.screenshot(pc.id);
    expect(r).toMatchObject({ success: true, width: 1280, height: 720 });
    const img = decodePng(fromBase64(r.image));
    expect([img.width, img.height]).toEqual([1280, 720]);
    // The wallpaper (guest/wallpaper.py) is a gradient: #1e3854 half way down an empty screen,
    // lighter above, darker below.
    const at = (d: ReturnType<typeof decodePng>, y: number) => [...d.rgb.subarray((y * 1280 + 640) * 3, (y * 1280 + 640) * 3 + 3)];
    let d = decodePng(await t.client.screenshotBytes(pc.id));
    await eventually(
      async () => at((d = decodePng(await t.client.screenshotBytes(pc.id))), 360).join(),
      (rgb) => rgb === [0x1e, 0x38, 0x54].join(),
      5000,
      'the wallpaper',
    );
    expect(at(d, 40)[2]).toBeGreaterThan(at(d, 360)[2]! + 20);
    expect(at(d, 650)[2]).toBeLessThan(at(d, 360)[2]! - 20);
  });

  it('answers the bytes for ?raw=1 or Accept: image/png, and JPEG on request', async () => {
    const raw = await get(`/computers/${pc.id}/screenshot?raw=1`);
    expect(raw.headers.get('content-type')).toBe('image/png');
    expect(decodePng(new Uint8Array(await raw.arrayBuffer())).width).toBe(1280);

    const accepted = await get(`/computers/${pc.id}/screenshot`, { accept: 'image/png' });
    expect(accepted.headers.get('content-type')).toBe('image/png');

    const jpeg = await t.client.screenshot(pc.id, { format: 'jpeg' });
    expect([...fromBase64(jpeg.image).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const low = await t.client.screenshotBytes(pc.id, { format: 'jpeg', quality: 10 });
    const high = await t.client.screenshotBytes(pc.id, { format: 'jpeg', quality: 95 });
    expect([...low.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(low.length).toBeLessThan(high.length);
    const byAccept = await get(`/computers/${pc.id}/screenshot`, { accept: 'image/jpeg' });
    expect(byAccept.headers.get('content-type')).toBe('image/jpeg');
  });

  it('differs around a visible change, where the change is', async () => {
    const before = decodePng(await t.client.screenshotBytes(pc.id));
    await t.client.bash(pc.id, "xterm -xrm 'XTerm*allowTitleOps: false' -T shown -geometry 40x10+300+200 >/dev/null 2>&1 & for i in $(seq 100); do xdotool search --onlyvisible --name '^shown$' >/dev/null 2>&1 && break; sleep 0.05; done");
    let after = before;
    await eventually(
      async () => changedPixels(before, (after = decodePng(await t.client.screenshotBytes(pc.id))), { x: 300, y: 200, w: 200, h: 100 }),
      (n) => n > 10_000,
      5000,
      'the terminal to show (changed pixels where it opens)',
    );
    expect(changedPixels(before, after, { x: 800, y: 0, w: 480, h: 600 })).toBe(0);
  });

  it('follows the resolution the computer was created with, including 16-bit colour', async () => {
    const ws = pc.workspace_id;
    const small = await t.client.createComputer({ workspace_id: ws, name: 'small', resolution: '1024x768x24' });
    const r = await t.client.screenshot(small.id);
    expect([r.width, r.height]).toEqual([1024, 768]);
    expect(decodePng(fromBase64(r.image)).width).toBe(1024);
    await t.client.deleteComputer(small.id);

    const hi = await t.client.createComputer({ workspace_id: ws, name: 'sixteen', resolution: '800x600x16' });
    let img = decodePng(await t.client.screenshotBytes(hi.id));
    await eventually(
      async () => (img = decodePng(await t.client.screenshotBytes(hi.id))).rgb[(300 * 800 + 400) * 3],
      (red) => red !== 0,
      5000,
      'the wallpaper',
    );
    expect([img.width, img.height]).toEqual([800, 600]);
    // The wallpaper's middle (#1e3854) in 5-6-5 bits, scaled back to 8 bits per channel: within one step of it.
    const i = (300 * 800 + 400) * 3;
    const [red, green, blue] = img.rgb.subarray(i, i + 3);
    expect(Math.abs(red! - 0x1e)).toBeLessThanOrEqual(8);
    expect(Math.abs(green! - 0x38)).toBeLessThanOrEqual(4);
    expect(Math.abs(blue! - 0x54)).toBeLessThanOrEqual(8);
    await t.client.deleteComputer(hi.id);
  });

  it('gives the shared-memory segment back once screenshots stop, and makes a new one for the next', async () => {
    // The X server maps the host's capture segment while it is held: 3.6 MB per computer.
    const [xvnc] = computerProcesses(pc.instance_id, 'Xvnc');
    const mapped = () => readFileSync(`/proc/${xvnc}/maps`, 'utf8').includes('node-x11-shm');
    process.env.ORGO_X11_SHM_RELEASE_MS = '500';
    try {
      await t.client.screenshot(pc.id);
      expect(mapped()).toBe(true);
      await eventually(mapped, (m) => !m, 5000, 'the segment to be given back');
      expect((await t.client.screenshot(pc.id)).success).toBe(true);
      expect(mapped()).toBe(true);
    } finally {
      delete process.env.ORGO_X11_SHM_RELEASE_MS;
    }
  });

  it('keeps working after the X connection drops', async () => {
    // Close the host's own X connection under it: the next action must reconnect.
    const row = t.host.computers.get(pc.id);
    (await actionsFor(t.host.computers).session(row)).close();
    const r = await t.client.screenshot(pc.id);
    expect(r.success).toBe(true);
    expect((await t.client.click(pc.id, 10, 10)).success).toBe(true);
  });

  it('gives the same pixels without shared memory (core GetImage)', async () => {
    const session = () => actionsFor(t.host.computers).session(t.host.computers.get(pc.id));
    const still = { x: 0, y: 0, w: 1280, h: 680 }; // all but the panel, whose clock may tick
    // Let the screen settle first (a window losing the focus redraws its title bar).
    let viaShm = decodePng(await t.client.screenshotBytes(pc.id));
    await eventually(
      async () => {
        const prev = viaShm;
        viaShm = decodePng(await t.client.screenshotBytes(pc.id));
        return changedPixels(prev, viaShm, still);
      },
      (n) => n === 0,
      5000,
      'a still screen',
    );
    process.env.ORGO_X11_SHM = '0';
    try {
      (await session()).close();
      const viaSocket = decodePng(await t.client.screenshotBytes(pc.id));
      expect(changedPixels(viaShm, viaSocket, still)).toBe(0);
    } finally {
      delete process.env.ORGO_X11_SHM;
      (await session()).close();
    }
  });

  it('acts on the new display after a restart', async () => {
    await t.client.restartComputer(pc.id);
    const r = await t.client.screenshot(pc.id);
    expect([r.width, r.height]).toEqual([1280, 720]);
    await t.client.click(pc.id, 640, 360);
    expect((await t.client.bash(pc.id, 'xdotool getmouselocation --shell | head -2')).output).toBe('X=640\nY=360\n');
  });
});

describe('a resized screen', () => {
  it('screenshots and bounds checks follow the new size', async () => {
    const r = await t.client.bash(pc.id, 'xrandr -s 1024x768 && xdotool getdisplaygeometry');
    expect(r.output).toBe('1024 768\n');
    const shot = await t.client.screenshot(pc.id);
    expect([shot.width, shot.height]).toEqual([1024, 768]);
    expect(decodePng(await t.client.screenshotBytes(pc.id)).width).toBe(1024);
    const far = await call(t, 'POST', `/computers/${pc.id}/click`, { x: 1100, y: 10 });
    expect(far.status).toBe(400);
    expect(far.body.error).toBe('x must be between 0 and 1023 (the screen is 1024x768)');
    expect((await t.client.click(pc.id, 1000, 740)).success).toBe(true);
    await t.client.bash(pc.id, 'xrandr -s 1280x720');
    expect((await t.client.screenshot(pc.id)).width).toBe(1280);
  });
});
