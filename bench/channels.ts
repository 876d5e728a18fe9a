/**
 * Live channels: terminal keystroke echo round trip straight to the host's terminal websocket,
 * against the usual terminal-over-websocket (node-pty + ws on this machine, no sandbox, the
 * ttyd / xterm.js-demo shape); and audio frame pacing from the host's audio websocket, against
 * what PulseAudio itself delivers to a recorder in the same computer (what a relay that forwards
 * capture chunks as they come would pass on). The app's relay figure is measured by the app.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn as spawnPty } from 'node-pty';
import WebSocket, { WebSocketServer } from 'ws';
import { channelUrl } from '../shared/api/channels.js';
import { OrgoClient } from '../shared/api/client.js';
import type { Computer } from '../shared/api/types.js';
import { TEST_KEY } from '../tests/helpers/host.js';
import { intervalStats } from '../tests/helpers/pcm.js';
import { startBenchHost } from './host.js';
import { printTable } from './stats.js';
import { clearLine, echo, terminalSocket } from './terminal.js';

const KEYS = Number(process.env.BENCH_KEYS_N ?? 300);
const AUDIO_SECONDS = Number(process.env.BENCH_AUDIO_S ?? 5);

export async function run(): Promise<void> {
  const { client, close } = await startBenchHost();
  try {
    const ws = await client.createWorkspace('bench');
    const pc = await client.createComputer({ workspace_id: ws.id, name: 'channels' });
    await new Promise((r) => setTimeout(r, 1500)); // let the session settle

    const peer = await peerTerminal();
    const ours: number[] = [];
    const theirs: number[] = [];
    const a = await terminalSocket(channelUrl(pc.connection_url, 'terminal', { token: pc.vnc_password }));
    const b = await terminalSocket(peer.url);
    // Interleaved, so both see the same machine state.
    for (let i = 0; i < KEYS; i++) {
      const key = 'abcdefghijklmnopqrstuvwxyz'[i % 26]!;
      ours.push(await echo(a, key));
      theirs.push(await echo(b, key));
      if (i % 60 === 59) for (const s of [a, b]) await clearLine(s);
    }
    a.ws.close();
    b.ws.close();
    peer.close();
    printTable(`terminal keystroke echo round trip (n=${KEYS}, this machine: 2 cores)`, [
      { what: 'host terminal websocket (pty in the computer)', ours, peer: theirs, peerName: 'node-pty + ws on the host, no sandbox', target: 'p50 < 5 ms' },
    ]);

    const audio = await audioIntervals(pc);
    const pulse = await pulseIntervals(client, pc);
    printTable(`audio frame intervals while a tone plays (${AUDIO_SECONDS} s)`, [
      { what: 'host audio websocket, 20 ms frames', ours: audio, peer: pulse, peerName: 'parec reads in the computer (20 ms latency)', target: 'p50 20 ms, p95 < 25 ms' },
    ]);
    const [o, p] = [intervalStats([0, ...cumulative(audio)]), intervalStats([0, ...cumulative(pulse)])];
    console.log(`\naudio jitter (standard deviation of frame intervals): ours ${o.jitter.toFixed(2)} ms (max ${o.max.toFixed(1)} ms) vs peer ${p.jitter.toFixed(2)} ms (max ${p.max.toFixed(1)} ms); ratio ${(o.jitter / p.jitter).toFixed(3)}`);
  } finally {
    await close();
  }
}

/** The peer: a pty on this machine behind a websocket, speaking the same messages. */
async function peerTerminal(): Promise<{ url: string; close(): void }> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    const pty = spawnPty('/bin/bash', ['--norc', '-i'], { cols: 80, rows: 24, cwd: '/tmp', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', PS1: '$ ' } });
    pty.onData((data) => ws.send(JSON.stringify({ type: 'output', data })));
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { type: string; data?: string };
      if (m.type === 'input') pty.write(m.data!);
    });
    ws.on('close', () => pty.kill());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => {
      wss.close();
      server.close();
    },
  };
}

/** A 440 Hz tone, written first so that making it does not load the machine while it plays. */
const tone = (seconds: number) =>
  `python3 -c 'import math,struct,sys; r=48000; sys.stdout.buffer.write(b"".join(struct.pack("<h", int(16000*math.sin(2*math.pi*440*i/r))) for i in range(int(r*${seconds}))))' > /tmp/tone.raw && pacat --format=s16le --rate=48000 --channels=1 /tmp/tone.raw`;

/** Arrival intervals of the audio websocket's frames while a tone plays. */
async function audioIntervals(pc: Computer): Promise<number[]> {
  const ws = new WebSocket(channelUrl(pc.connection_url, 'audio', { token: pc.vnc_password }));
  const times: number[] = [];
  ws.on('message', (_d, binary) => binary && times.push(performance.now()));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  await new Promise((r) => setTimeout(r, 500));
  const client = new OrgoClient({ baseUrl: pc.connection_url.replace(/\/desktops\/.*/, '/api'), apiKey: TEST_KEY });
  const gen = performance.now();
  await client.bash(pc.id, tone(AUDIO_SECONDS), AUDIO_SECONDS + 30);
  ws.close();
  // From when the tone was written and began to play (generating it takes well under a second).
  const t = times.filter((v) => v > gen + 1000);
  return t.slice(1).map((v, i) => v - t[i]!);
}

/** The peer: PulseAudio's own capture chunks, timed by a recorder inside the computer. */
async function pulseIntervals(client: OrgoClient, pc: Computer): Promise<number[]> {
  const recorder = `
import os, subprocess, time, json
p = subprocess.Popen(["parec", "--device=@DEFAULT_MONITOR@", "--format=s16le", "--rate=24000", "--channels=1", "--raw", "--latency-msec=20"], stdout=subprocess.PIPE)
fd = p.stdout.fileno(); times = []; end = time.monotonic() + ${AUDIO_SECONDS} - 1
while time.monotonic() < end:
    if os.read(fd, 960): times.append(time.monotonic() * 1000)
p.kill(); print(json.dumps(times))`;
  await client.bash(pc.id, `cat > /tmp/recorder.py <<'EOF'\n${recorder}\nEOF`);
  const [rec] = await Promise.all([
    client.bash(pc.id, 'sleep 1; python3 /tmp/recorder.py', AUDIO_SECONDS + 30),
    client.bash(pc.id, tone(AUDIO_SECONDS), AUDIO_SECONDS + 30),
  ]);
  const times = (JSON.parse(rec.output.trim().split('\n').pop()!) as number[]).slice(5);
  return times.slice(1).map((v, i) => v - times[i]!);
}

function cumulative(intervals: number[]): number[] {
  let t = 0;
  return intervals.map((d) => (t += d));
}
