/**
 * The audio websocket on a real desktop: a 440 Hz tone played inside the computer comes out of
 * the socket as 440 Hz (by our own analysis of the PCM), in steady 20 ms frames.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { openChannel, type ChannelClient } from '../helpers/channels.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { intervalStats, peakFrequency, rms, samples, zeroCrossingFrequency } from '../helpers/pcm.js';

let t: TestHost;
let pc: Computer;
const sockets: ChannelClient[] = [];

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('audio');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'Audio' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

async function listen(params: Record<string, number | string> = {}): Promise<ChannelClient> {
  const s = openChannel(pc, 'audio', params);
  sockets.push(s);
  await s.opened;
  await s.until(() => s.messages('started')[0], 10_000, 'started');
  return s;
}

/** Plays `seconds` of a sine at `freq` Hz on the computer's default output, as an application would. */
function playTone(freq: number, seconds: number) {
  const py = `import math,struct,sys; r=48000; sys.stdout.buffer.write(b"".join(struct.pack("<h", int(16000*math.sin(2*math.pi*${freq}*i/r))) for i in range(int(r*${seconds}))))`;
  // Written first, then played: making the tone must not load the machine while it plays.
  return t.client.bash(pc.id, `python3 -c '${py}' > /tmp/tone.raw && pacat --format=s16le --rate=48000 --channels=1 --client-name=tone /tmp/tone.raw`, 30);
}

/** The longest run of frames carrying sound, as one buffer. */
function loudestRun(s: ChannelClient, channels: number): Buffer {
  let best: Buffer[] = [];
  let run: Buffer[] = [];
  for (const f of s.frames()) {
    if (rms(samples(f.binary!, channels)) > 1000) run.push(f.binary!);
    else run = [];
    if (run.length > best.length) best = [...run];
  }
  // The edges ramp in and out through the resamplers: analyse the steady middle.
  return Buffer.concat(best.slice(3, -3));
}

describe('audio websocket', () => {
  it("is ready when a fresh computer says running: its sound server already answers", async () => {
    // pc was created just before, and nothing has waited since: running must include the sound.
    const r = await t.client.bash(pc.id, 'pactl info > /dev/null && echo sound-up');
    expect(r.output.trim()).toBe('sound-up');
  });

  it('starts with the format, then 20 ms frames of 960 bytes, silence while nothing plays', async () => {
    const s = await listen();
    expect(s.messages('started')[0]).toMatchObject({ type: 'started', sample_rate: 24000, channels: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    const frames = s.frames();
    expect(frames.length).toBeGreaterThanOrEqual(40);
    expect(frames.length).toBeLessThanOrEqual(60);
    for (const f of frames) expect(f.binary!.length).toBe(960);
    expect(frames.every((f) => rms(samples(f.binary!)) === 0)).toBe(true);
    s.close();
  });

  it('carries a 440 Hz tone played on the desktop, at 440 Hz', async () => {
    const s = await listen();
    await playTone(440, 2);
    await new Promise((r) => setTimeout(r, 300));
    const tone = samples(loudestRun(s, 1));
    expect(tone.length).toBeGreaterThan(24000); // over a second of it
    const peak = peakFrequency(tone, 24000, 380, 500);
    const crossings = zeroCrossingFrequency(tone, 24000);
    console.log(`440 Hz tone → peak ${peak} Hz, zero crossings ${crossings.toFixed(2)} Hz over ${(tone.length / 24000).toFixed(2)} s`);
    expect(Math.abs(peak - 440)).toBeLessThan(2);
    expect(Math.abs(crossings - 440)).toBeLessThan(2);
    // The level survives: 16000 peak is about 11300 RMS.
    expect(rms(tone)).toBeGreaterThan(9000);
    s.close();
  });

  it('paces frames every 20 ms, not in bursts', async () => {
    const s = await listen();
    await new Promise((r) => setTimeout(r, 300));
    const from = s.frames().length;
    const play = playTone(440, 2.5);
    await new Promise((r) => setTimeout(r, 3000));
    await play;
    const stats = intervalStats(s.frames().slice(from).map((f) => f.at));
    console.log(`audio frame intervals over ${stats.n}: mean ${stats.mean.toFixed(2)} ms, p50 ${stats.p50.toFixed(2)}, p95 ${stats.p95.toFixed(2)}, max ${stats.max.toFixed(2)}, jitter (sd) ${stats.jitter.toFixed(2)} ms`);
    expect(stats.mean).toBeGreaterThan(18);
    expect(stats.mean).toBeLessThan(22);
    // Paced, not sent in bursts: most frames come one frame-time after the last. How little the
    // jitter is depends on the machine's load, so its figures live in `npm run bench -- channels`.
    expect(stats.p50).toBeGreaterThan(10);
    expect(stats.p50).toBeLessThan(30);
    s.close();
  });

  it('honours sample_rate and channels from the query (48 kHz stereo: 3840-byte frames, tone in both)', async () => {
    const s = await listen({ sample_rate: 48000, channels: 2 });
    expect(s.messages('started')[0]).toMatchObject({ sample_rate: 48000, channels: 2, frame_bytes: 3840 });
    await playTone(440, 1.5);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.frames().every((f) => f.binary!.length === 3840)).toBe(true);
    const run = loudestRun(s, 2);
    for (const ch of [0, 1]) expect(Math.abs(peakFrequency(samples(run, 2, ch), 48000, 380, 500) - 440)).toBeLessThan(2);
    s.close();
  });

  it('answers ping, and stops on `stop` (JSON or the bare word)', async () => {
    const a = await listen();
    a.send('ping');
    a.send({ type: 'ping' });
    await a.until(() => a.messages('pong').length === 2 || undefined, 5000, 'two pongs');
    a.send({ type: 'stop' });
    await a.until(() => a.messages('stopped')[0], 5000, 'stopped');
    expect((await a.closed).code).toBe(1000);
    const b = await listen();
    b.send('stop');
    expect((await b.closed).code).toBe(1000);
  });

  it('refuses an unsupported sample_rate or channels with an error and 4400', async () => {
    for (const params of [{ sample_rate: 12345 }, { channels: 6 }]) {
      const s = openChannel(pc, 'audio', params);
      const closed = await s.closed;
      expect(closed.code).toBe(4400);
      expect(String(s.messages('error')[0]?.message)).toMatch(params.channels ? /channels/ : /sample_rate/);
    }
  });
});
