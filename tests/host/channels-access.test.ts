/**
 * What every live channel shares (the token and Origin checks, closing when the computer
 * stops, a rotated password after restart, no leftovers), and the desktop's clipboard and
 * remote resize, which VNC viewers reach too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelUrl, type ChannelName } from '../../shared/api/channels.js';
import type { Computer } from '../../shared/api/types.js';
import { openChannel, refusal, type ChannelClient } from '../helpers/channels.js';
import { TEST_KEY, call, eventually, startTestHost, type TestHost } from '../helpers/host.js';
import { connectRfb } from '../helpers/rfb.js';
import { ServerMessages, sendClipboard, setDesktopSize } from '../helpers/rfb-resize.js';

let t: TestHost;
let pc: Computer;
const CHANNELS: ChannelName[] = ['websockify', 'terminal', 'events', 'audio'];

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('access');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'Access', resolution: '1280x720x24' });
});
afterAll(() => t?.close());

const vnc = (c: Computer) => channelUrl(c.connection_url, 'websockify', { token: c.vnc_password });

async function prompt(term: ChannelClient): Promise<void> {
  await term.opened;
  await term.until(() => /\$ $/.test(term.output()), 10_000, 'shell prompt');
}

describe('channel access', () => {
  it('closes every channel with 4401 for a wrong, missing or foreign token (VNC without one meets the RFB gate)', async () => {
    for (const ch of CHANNELS) {
      expect((await refusal(channelUrl(pc.connection_url, ch, { token: 'wrong-password-xx' }))).code, ch).toBe(4401);
      if (ch !== 'websockify') expect((await refusal(channelUrl(pc.connection_url, ch))).code, ch).toBe(4401);
      expect((await refusal(channelUrl(pc.connection_url.replace(pc.instance_id, 'nope'), ch, { token: pc.vnc_password }))).code, ch).toBe(4401);
    }
  });

  it('refuses a foreign Origin on every channel (403), and lets this host’s own Origin in', async () => {
    for (const ch of CHANNELS) {
      const r = await refusal(channelUrl(pc.connection_url, ch, { token: pc.vnc_password }), { Origin: 'https://evil.example' });
      expect(r.httpStatus, ch).toBe(403);
    }
    const term = openChannel(pc, 'terminal', {}, { Origin: new URL(t.host.url).origin });
    await prompt(term);
    term.close();
  });

  it('accepts an API key instead of the token', async () => {
    const term = openChannel({ ...pc, vnc_password: undefined as unknown as string }, 'terminal', {}, { Authorization: `Bearer ${TEST_KEY}` });
    await prompt(term);
    term.close();
  });
});

describe('clipboard', () => {
  it('writes and reads the desktop clipboard as UTF-8, shared with desktop applications', async () => {
    const text = 'Grüße — 日本語 😀\nsecond line\ttab';
    expect(await t.client.setClipboard(pc.id, text)).toEqual({ success: true });
    expect(await t.client.getClipboard(pc.id)).toBe(text);
    expect((await t.client.bash(pc.id, 'xclip -o -selection clipboard')).output).toBe(text);
    await t.client.bash(pc.id, "printf 'from the desktop ✓' | xclip -selection clipboard");
    expect(await t.client.getClipboard(pc.id)).toBe('from the desktop ✓');
  });

  it('is the clipboard VNC viewers share, both ways', async () => {
    const s = await connectRfb(vnc(pc), pc.vnc_password);
    const server = new ServerMessages(s);
    sendClipboard(s, 'from the viewer 42');
    await eventually(() => t.client.getClipboard(pc.id), (v) => v === 'from the viewer 42', 10_000, 'viewer clipboard on the desktop');
    await t.client.setClipboard(pc.id, 'to the viewer 43');
    await eventually(() => server.cutTexts.map((b) => b.toString('latin1')), (v) => v.includes('to the viewer 43'), 10_000, 'clipboard at the viewer');
    s.close();
  });

  it('answers bad bodies with 400 and a stopped computer with the documented error', async () => {
    const r = await call(t, 'POST', `/computers/${pc.id}/clipboard`, { text: 42 });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('text must be a string');
    expect((await call(t, 'GET', '/computers/nope/clipboard')).status).toBe(404);
  });
});

describe('remote resize', () => {
  it('changes the desktop size when a viewer asks (SetDesktopSize), and the resolution follows', async () => {
    const s = await connectRfb(vnc(pc), pc.vnc_password);
    expect(await setDesktopSize(s, 1024, 640)).toEqual({ status: 0, width: 1024, height: 640 });
    await eventually(() => t.client.getComputer(pc.id), (c) => c.resolution === '1024x640x24', 5000, 'resolution 1024x640x24');
    expect((await t.client.bash(pc.id, "xdpyinfo | awk '/dimensions/ {print $2}'")).output.trim()).toBe('1024x640');
    // A new viewer sees the new size.
    const again = await connectRfb(vnc(pc), pc.vnc_password);
    expect([again.width, again.height]).toEqual([1024, 640]);
    again.close();
    expect((await setDesktopSize(s, 1280, 720)).status).toBe(0);
    await eventually(() => t.client.getComputer(pc.id), (c) => c.resolution === '1280x720x24', 5000, 'resolution back');
    s.close();
  });

  it("keeps a viewer's resize within the sizes the API serves (100x100 and 7681x4321 are brought to the limits)", async () => {
    const s = await connectRfb(vnc(pc), pc.vnc_password);
    expect(await setDesktopSize(s, 100, 100)).toEqual({ status: 0, width: 320, height: 200 });
    await eventually(() => t.client.getComputer(pc.id), (c) => c.resolution === '320x200x24', 5000, 'resolution 320x200x24');
    expect(await setDesktopSize(s, 7681, 4321)).toEqual({ status: 0, width: 7680, height: 4320 });
    await eventually(() => t.client.getComputer(pc.id), (c) => c.resolution === '7680x4320x24', 5000, 'resolution 7680x4320x24');
    // A screenshot at the largest size, then back: the host does not keep the 8K buffer.
    const shot = await t.client.screenshot(pc.id);
    expect([shot.width, shot.height]).toEqual([7680, 4320]);
    expect((await setDesktopSize(s, 1280, 720)).status).toBe(0);
    await eventually(() => t.client.getComputer(pc.id), (c) => c.resolution === '1280x720x24', 5000, 'resolution back');
    s.close();
  });
});

describe('restart and stop with channels open', () => {
  it('closes open channels with 4409, rotates the token, and takes the new one', async () => {
    const term = openChannel(pc, 'terminal');
    await prompt(term);
    const events = openChannel(pc, 'events');
    await events.opened;
    events.send({ type: 'subscribe', event_types: ['file_change'] });
    await events.until(() => events.messages('subscribed')[0]);
    const audio = openChannel(pc, 'audio');
    await audio.opened;

    const after = await t.client.restartComputer(pc.id);
    for (const c of [term, events, audio]) expect((await c.closed).code).toBe(4409);
    expect(after.vnc_password).not.toBe(pc.vnc_password);
    expect((await refusal(channelUrl(pc.connection_url, 'terminal', { token: pc.vnc_password }))).code).toBe(4401);

    // What the app does: fetch the new password, reconnect.
    pc = after;
    const again = openChannel(pc, 'terminal');
    await prompt(again);
    again.send({ type: 'input', data: 'echo "B$((40+2))K"\r' });
    await again.until(() => again.output().includes('B42K'));
    again.close();
  });

  it('closes with 4409 on a stopped computer', async () => {
    await t.client.stopComputer(pc.id);
    for (const ch of CHANNELS) expect((await refusal(channelUrl(pc.connection_url, ch, { token: pc.vnc_password }))).code, ch).toBe(4409);
    const r = await call(t, 'GET', `/computers/${pc.id}/clipboard`);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('Desktop instance not available');
    pc = await t.client.startComputer(pc.id);
  });

  it('leaves nothing running in the computer once its channels close', async () => {
    const term = openChannel(pc, 'terminal');
    await prompt(term);
    const audio = openChannel(pc, 'audio');
    await audio.until(() => audio.frames().length > 5);
    const events = openChannel(pc, 'events');
    await events.opened;
    events.send({ type: 'subscribe', event_types: ['audio_stream_start', 'process_start'] });
    await events.until(() => events.messages('subscribed')[0]);
    const running = async () => (await t.client.bash(pc.id, "pgrep -c -x parec; pgrep -c -f '^pactl subscribe'; pgrep -c -x bash -t pts/0")).output.split('\n').slice(0, 3).join(',');
    // The computer just started: its sound server may take a moment before parec records.
    await eventually(running, (v) => v === '1,1,1', 10_000, 'parec, pactl and the terminal shell running');
    for (const c of [term, audio, events]) c.close();
    await eventually(running, (v) => v === '0,0,0', 10_000, 'no parec, no pactl, no terminal shell');
  });
});
