/**
 * RTMP streaming with a real server (nginx-rtmp, in a stand-in internet: a computer cannot reach
 * the host's loopback) and a real computer: what arrived is H.264 at the computer's size with a
 * keyframe every 2 s and AAC; a frame of it matches the screenshot API's image of that moment; a
 * tone played inside is in its sound whole, starting and ending with a flash on the screen, as a
 * viewer would see and hear them together; start/status/stop answer as Orgo's Python SDK reads
 * them (sent as its `requests` session sends them); the server dropping and coming back shows as
 * reconnecting, then streaming again; the stream ends with its computer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamStatus } from '../../shared/api/manage.js';
import type { Computer } from '../../shared/api/types.js';
import { call, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { PySession } from '../helpers/python-requests.js';
import { brightness, flash, loudness } from '../helpers/av-timeline.js';
import { peakFrequency, rms, samples } from '../helpers/pcm.js';
import { startRtmpServer, type RtmpServer } from '../helpers/rtmp-server.js';

const KEY = 'live_key_7f3a9c21e5d84b06';
let t: TestHost;
let rtmp: RtmpServer;
let pc: Computer;
let py: PySession;
let tmp: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// As Orgo's Python SDK calls them (orgo/api/client.py: start_stream, get_stream_status, stop_stream).
const sdk = (method: string, path: string, json?: unknown) => py.request(method, `${t.api}/${path}`, { json });

function ffprobe(path: string, args: string[]): string {
  return execFileSync('ffprobe', ['-v', 'error', ...args, path], { maxBuffer: 64 << 20 }).toString();
}

/** A picture as 160x90 grey levels, for a comparison that tolerates compression. */
function grey(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', ...args, '-frames:v', '1', '-vf', 'scale=160:90:flags=area', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 8 << 20 });
}

function meanDiff(a: Buffer, b: Buffer): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

async function until(what: string, ok: (s: StreamStatus) => boolean, timeoutMs: number): Promise<StreamStatus[]> {
  const seen: StreamStatus[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await t.client.streamStatus(pc.id);
    seen.push(s);
    if (ok(s)) return seen;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; statuses seen: ${JSON.stringify(seen.slice(-3))}`);
    await sleep(500);
  }
}

beforeAll(async () => {
  tmp = mkdtempSync('/tmp/stream-test-');
  rtmp = await startRtmpServer();
  t = await startTestHost();
  py = new PySession({ headers: { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/json', Accept: 'application/json' } });
  const ws = await t.client.createWorkspace('stream');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'streamer' });
}, 120_000);

afterAll(async () => {
  py?.close();
  await t?.close();
  rtmp?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('connections', () => {
  it('are kept by name, and their key is never answered whole', async () => {
    const made = await call(t, 'POST', '/streaming/connections', { name: 'test', server_url: rtmp.url, stream_key: KEY });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'test', server_url: rtmp.url, stream_key_hint: '••••4b06' });
    const list = await call(t, 'GET', '/streaming/connections');
    expect(list.body.connections).toEqual([made.body]);
    expect(JSON.stringify(list.body)).not.toContain(KEY.slice(0, 12));
    expect((await call(t, 'POST', '/streaming/connections', { name: 'test', server_url: rtmp.url, stream_key: 'other' })).status).toBe(409);
  });

  it('refuse what is not a connection, and a delete of an unknown one', async () => {
    const bad = await call(t, 'POST', '/streaming/connections', { name: 'x', server_url: 'http://example.com/live', stream_key: 'k' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/server_url must be an rtmp/);
    expect((await call(t, 'POST', '/streaming/connections', { name: 'x', server_url: rtmp.url })).body.error).toMatch(/stream_key is required/);
    expect((await call(t, 'DELETE', '/streaming/connections/nope')).status).toBe(404);
    await t.client.addStreamConnection({ name: 'spare', server_url: rtmp.url, stream_key: 'spare-key-000' });
    expect(await t.client.deleteStreamConnection('spare')).toEqual({ success: true });
    expect((await t.client.listStreamConnections()).map((c) => c.name)).toEqual(['test']);
  });
});

describe('a stream', () => {
  it('starts as the SDK asks, and refuses an unknown connection and a second start', async () => {
    expect((await sdk('GET', `computers/${pc.id}/stream/status`)).json).toEqual({ status: 'idle' });
    const unknown = await sdk('POST', `computers/${pc.id}/stream/start`, { connection_name: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json?.error).toMatch(/No stream connection named "nope"/);
    const started = await sdk('POST', `computers/${pc.id}/stream/start`, { connection_name: 'test' });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ success: true, status: 'streaming', connection_name: 'test' });
    expect(started.json?.pid).toEqual(expect.any(Number));
    const again = await sdk('POST', `computers/${pc.id}/stream/start`, { connection_name: 'test' });
    expect(again.status).toBe(409);
    expect(again.json?.error).toMatch(/already streaming/);
    const status = (await sdk('GET', `computers/${pc.id}/stream/status`)).json;
    expect(status).toMatchObject({ status: 'streaming', pid: started.json?.pid, start_time: started.json?.start_time });
  }, 60_000);

  let shot: string;
  it('carries what the screen shows and what the computer plays, then stops', async () => {
    // Something on the screen that was not there when the stream began.
    await t.client.bash(pc.id, "(setsid xterm -geometry 150x40+60+60 -bg '#f0e020' -fg black -fg white -e 'echo streaming; sleep 600' >/dev/null 2>&1 &)");
    await sleep(2500);
    shot = `${tmp}/shot.png`;
    writeFileSync(shot, await t.client.screenshotBytes(pc.id));
    // Then a window over the whole screen, black, that turns white as a 3 s tone begins and black
    // again as it ends, then closes: the same moment in the picture and in the sound. paplay, as
    // players do, plays its sound out before it ends.
    const tone = await t.client.bash(pc.id, [
      'ffmpeg -y -hide_banner -loglevel error -f lavfi -i sine=frequency=1000:duration=3 -ac 2 -ar 48000 /tmp/tone.wav',
      `xterm -geometry 400x120+0+0 -bg black -e sh -c 'sleep 1.5; printf "\\033]11;#ffffff\\007"; paplay /tmp/tone.wav; printf "\\033]11;#000000\\007"; sleep 1'`,
    ].join(' && '), 30);
    expect(tone.exit_code, tone.output).toBe(0);
    await sleep(2500); // the screen as the screenshot saw it, again
    expect((await sdk('POST', `computers/${pc.id}/stream/stop`)).json).toEqual({ success: true });
    expect(await t.client.streamStatus(pc.id)).toEqual({ status: 'idle' });
    expect(await t.client.stopStream(pc.id)).toEqual({ success: true }); // nothing to stop is fine
  }, 60_000);

  it('arrived as H.264 at the computer\'s size with a keyframe every 2 s, and AAC', async () => {
    await sleep(500); // the server closes the recording after the publisher leaves
    const [rec] = rtmp.recordings(KEY);
    expect(rec, 'a recording under the stream key').toBeDefined();
    const streams = JSON.parse(ffprobe(rec!.path, ['-show_entries', 'stream=codec_type,codec_name,width,height,sample_rate,channels', '-of', 'json'])).streams as Array<Record<string, unknown>>;
    expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
    const keys = ffprobe(rec!.path, ['-select_streams', 'v', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0'])
      .split('\n').map((l) => parseFloat(l)).filter((v) => Number.isFinite(v));
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < keys.length; i++) expect(keys[i]! - keys[i - 1]!).toBeCloseTo(2, 1);
  });

  it('shows the screen as the screenshot API saw it', () => {
    const [rec] = rtmp.recordings(KEY);
    const picture = grey(['-i', shot]);
    const last = grey(['-sseof', '-1.5', '-i', rec!.path]);
    const first = grey(['-i', rec!.path]);
    const same = meanDiff(last, picture);
    const before = meanDiff(first, picture); // before the window opened
    console.log(`stream frame vs screenshot: ${same.toFixed(2)} grey levels apart; before the window: ${before.toFixed(2)}`);
    expect(same).toBeLessThan(4);
    expect(before).toBeGreaterThan(same * 2);
    expect(before).toBeGreaterThan(2);
  });

  it('holds the whole tone played inside the computer, in time with the picture', () => {
    const [rec] = rtmp.recordings(KEY);
    const frames = brightness(rec!.path);
    const shown = flash(frames);
    expect(shown, 'the white flash in the picture').toBeDefined();
    const pieces = loudness(rec!.path); // 50 ms each
    const loud = (p: { db: number }) => p.db > -35; // lavfi's sine: amplitude 1/8, -21 dBFS
    const first = pieces.find(loud);
    const last = pieces.findLast(loud);
    expect(first, 'the tone in the sound').toBeDefined();
    const during = pieces.filter((p) => p.t >= first!.t && p.t < first!.t + 3);
    const heard = during.filter(loud).length / during.length;
    console.log(
      `flash ${shown!.start.toFixed(2)}-${shown!.end.toFixed(2)} s (luma ${shown!.dark.toFixed(0)}→${shown!.bright.toFixed(0)}); ` +
        `tone ${first!.t.toFixed(2)}-${(last!.t + 0.05).toFixed(2)} s, ${(heard * 100).toFixed(0)} % of its 50 ms pieces loud; ` +
        `sound minus picture: ${((first!.t - shown!.start) * 1000).toFixed(0)} ms at the start, ${((last!.t + 0.05 - shown!.end) * 1000).toFixed(0)} ms at the end`,
    );
    // The tone is continuous for its 3 s, as a viewer hears it: no gaps, nothing cut short.
    expect(last!.t + 0.05 - first!.t).toBeGreaterThan(2.8);
    expect(last!.t + 0.05 - first!.t).toBeLessThan(3.3);
    expect(heard).toBeGreaterThanOrEqual(0.95);
    // Sound and picture together: the tone starts as the screen turns white, within what a viewer
    // would notice (lip sync is noticed from about a quarter of a second).
    expect(Math.abs(first!.t - shown!.start)).toBeLessThan(0.3);
    expect(Math.abs(last!.t + 0.05 - shown!.end)).toBeLessThan(0.3);
    // Nothing was playing before the tone, and the tone is 1 kHz.
    expect(pieces.filter((p) => p.t < first!.t - 0.1).every((p) => !loud(p))).toBe(true);
    const pcm = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(first!.t + 0.25), '-t', '2.5', '-i', rec!.path, '-map', '0:a', '-ac', '1', '-ar', '48000', '-f', 's16le', '-'], { maxBuffer: 64 << 20 });
    const x = samples(pcm);
    for (let i = 0; i + 24000 <= x.length; i += 24000) {
      const w = x.subarray(i, i + 24000);
      expect(rms(w)).toBeGreaterThan(1500);
      expect(Math.abs(peakFrequency(w, 48000, 900, 1100, 1) - 1000)).toBeLessThanOrEqual(2);
    }
  });

  it('reconnects when the server drops and comes back, and says so meanwhile', async () => {
    const started = await t.client.startStream(pc.id, 'test');
    await sleep(3000);
    rtmp.drop();
    const dropped = await until('reconnecting', (s) => s.status === 'streaming' && !!s.retries && /reconnecting/.test(s.reason ?? ''), 30_000);
    expect(dropped.at(-1)).toMatchObject({ status: 'streaming', start_time: started.start_time, connection_name: 'test' });
    expect(dropped.at(-1)!.reason).toMatch(/Connection refused|Broken pipe|reset|I\/O error|Input\/output/i);
    expect(dropped.at(-1)!.reason).not.toContain(KEY);
    const before = rtmp.recordings(KEY).length;
    await rtmp.start();
    const back = await until('streaming again', (s) => s.status === 'streaming' && !s.retries && !s.reason, 60_000);
    expect(back.at(-1)!.pid).toEqual(expect.any(Number));
    await sleep(2500);
    const recs = rtmp.recordings(KEY);
    expect(recs.length).toBe(before + 1);
    expect(recs.at(-1)!.bytes).toBeGreaterThan(100_000);
  }, 120_000);

  it('ends with its computer, and a stopped computer does not start one', async () => {
    await t.client.stopComputer(pc.id);
    const s = await t.client.streamStatus(pc.id);
    expect(s).toMatchObject({ status: 'terminated', connection_name: 'test' });
    expect(s.reason).toMatch(/the computer stopped/);
    const refused = await sdk('POST', `computers/${pc.id}/stream/start`, { connection_name: 'test' });
    expect(refused.status).toBe(400);
    expect(refused.json?.error).toBe('Desktop instance not available');
  }, 60_000);
});
