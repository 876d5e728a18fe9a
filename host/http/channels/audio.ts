/**
 * The audio channel (/ws/audio?token=[&sample_rate=&channels=]): `started`, then one binary
 * frame of s16le PCM every 20 ms (960 bytes at the default 24 kHz mono), recorded from the
 * computer's PulseAudio null sink by the guest (guest/audio.py).
 *
 * PulseAudio delivers in bursts and not at all while nothing plays, so frames are paced here
 * by a clock: each tick sends the next 20 ms, or silence when none has arrived. A small jitter
 * buffer (two frames before playing resumes) keeps bursts from turning into gaps; if the buffer
 * grows past 200 ms, the oldest audio is dropped so latency stays low.
 */
import { AUDIO_FRAME_MS, CLOSE, audioClientMessage, audioFrameBytes, audioQuery, type AudioServerMessage } from '../../../shared/api/channels.js';
import { firstIssue } from '../../../shared/api/schemas.js';
import { GuestChannel } from '../../runtime/guest-channel.js';
import type { ChannelContext } from './context.js';
import { channelQuery } from './query.js';

const PREBUFFER_FRAMES = 2;
const MAX_BUFFER_FRAMES = 10;

export async function audioChannel({ ws, url, paths, desk, onEnd }: ChannelContext): Promise<void> {
  const send = (m: AudioServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  const q = channelQuery(ws, url, audioQuery);
  if (!q) return;
  const { sample_rate, channels } = q;
  const frameBytes = audioFrameBytes(sample_rate, channels);
  const silence = Buffer.alloc(frameBytes);
  send({ type: 'started', sample_rate, channels, frame_ms: AUDIO_FRAME_MS, frame_bytes: frameBytes, format: 's16le' });

  let pcm = new Jitter(frameBytes);
  let timer: NodeJS.Timeout | undefined;
  const link: { ch?: GuestChannel } = {};
  let done = false;
  const finish = () => {
    done = true;
    clearTimeout(timer);
    link.ch?.close();
  };
  onEnd(finish);

  ws.on('message', (raw: Buffer) => {
    const text = raw.toString('utf8').trim();
    let parsed: unknown = { type: text };
    if (text.startsWith('{')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* reported below */
      }
    }
    const m = audioClientMessage.safeParse(parsed);
    if (!m.success) return void send({ type: 'error', message: firstIssue(m.error) });
    if (m.data.type === 'ping') return void send({ type: 'pong' });
    finish();
    send({ type: 'stopped' });
    ws.close(CLOSE.normal, 'stopped');
  });

  const ch = (link.ch = await GuestChannel.open(paths.channelSocket, { channel: 'audio', sample_rate, channels }));
  if (done || ws.readyState !== ws.OPEN) return finish();
  ch.on('bytes', (b: Buffer) => pcm.push(b));
  ch.on('json', (m: { type?: string; message?: string }) => {
    if (m.type === 'error') {
      send({ type: 'error', message: m.message ?? 'audio error' });
      finish();
      ws.close(1011, 'no audio');
    }
  });
  ch.on('close', () => {
    setTimeout(() => {
      if (done || ws.readyState !== ws.OPEN) return;
      finish();
      ws.close(desk.alive ? 1011 : CLOSE.notRunning, desk.alive ? 'audio lost' : 'the computer stopped');
    }, 250);
  });

  // A clock that does not drift: tick n is due at start + n × 20 ms, however late tick n-1 ran.
  const start = performance.now();
  let n = 0;
  const tick = () => {
    if (done || ws.readyState !== ws.OPEN) return;
    const frame = pcm.take() ?? silence;
    // A viewer that cannot keep up gets no backlog (a second of it at most): late sound is
    // worse than a gap, so frames are dropped here.
    if (ws.bufferedAmount < frameBytes * 50) ws.send(frame, { binary: true });
    else pcm = new Jitter(frameBytes);
    n++;
    timer = setTimeout(tick, Math.max(0, start + n * AUDIO_FRAME_MS - performance.now()));
  };
  tick();
}

/** Audio as it arrives, handed out a frame at a time with a small reserve against bursts. */
class Jitter {
  private chunks: Buffer[] = [];
  private length = 0;
  private playing = false;

  constructor(private readonly frameBytes: number) {}

  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
    if (this.length > this.frameBytes * MAX_BUFFER_FRAMES) this.drop(this.length - this.frameBytes * PREBUFFER_FRAMES);
  }

  /** The next frame, or null for silence (nothing playing, or refilling after a gap). */
  take(): Buffer | null {
    if (!this.playing && this.length >= this.frameBytes * PREBUFFER_FRAMES) this.playing = true;
    if (!this.playing) return null;
    if (this.length < this.frameBytes) {
      this.playing = false;
      return null;
    }
    const out = Buffer.alloc(this.frameBytes);
    let filled = 0;
    while (filled < this.frameBytes) {
      const head = this.chunks[0]!;
      const n = Math.min(head.length, this.frameBytes - filled);
      head.copy(out, filled, 0, n);
      filled += n;
      if (n === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
    }
    this.length -= this.frameBytes;
    return out;
  }

  private drop(bytes: number): void {
    // Whole sample frames only, so the channels and bytes stay aligned.
    bytes -= bytes % 4;
    while (bytes > 0 && this.chunks.length) {
      const head = this.chunks[0]!;
      if (head.length <= bytes) {
        bytes -= head.length;
        this.length -= head.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = head.subarray(bytes);
        this.length -= bytes;
        bytes = 0;
      }
    }
  }
}
