/**
 * What one RTMP stream costs (issue 14's target: under 15 % of a core for 720p at 15 fps).
 *
 * A 1280x720 computer shows a terminal that changes every second (top), as a desktop being
 * worked on does. Its stream (the API's, to a real nginx-rtmp: H.264 2.5 Mbit/s CBR and AAC) is
 * measured as its ffmpeg's CPU time, beside, in the same run and on the same screen, ffmpeg only
 * grabbing that screen at that rate (x11grab to the null muxer): what capture alone costs. And
 * the whole computer (every process in its cgroup: ffmpeg, the sound server it wakes, the X
 * server answering the grabs) while streaming, beside the same computer not streaming.
 * Each sample is 3 s of CPU time, as % of one core: for the processes, the scheduler's own count
 * in nanoseconds over all their threads (/proc/PID/task/TID/schedstat), where the 10 ms ticks of
 * /proc/PID/stat would put a third of a percent of noise on every sample.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startRtmpServer } from '../tests/helpers/rtmp-server.js';
import { startBenchHost, type BenchHost } from './host.js';
import { descendants } from './procs.js';
import { printTable, type Row } from './stats.js';

const SAMPLES = Number(process.env.BENCH_STREAM_N ?? 6);
const SAMPLE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The computer's processes named ffmpeg, as the host sees them. */
function ffmpegs(h: BenchHost, id: string): number[] {
  const leader = h.host.computers.desktop(id)?.pid;
  if (!leader) throw new Error('the computer has no processes');
  return descendants(leader).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg';
    } catch {
      return false;
    }
  });
}

/** Nanoseconds on a CPU so far, all threads of the given processes (the ones that ended meanwhile are lost). */
function cpuNs(pids: number[]): number {
  let ns = 0;
  for (const pid of pids) {
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      /* ended */
    }
  }
  return ns;
}

/** % of a core over SAMPLE_MS each: the given processes' CPU, and the whole computer's. */
async function sample(h: BenchHost, id: string, pids: number[]): Promise<{ procs: number[]; computer: number[] }> {
  const cg = h.host.computers.cgroups;
  const out = { procs: [] as number[], computer: [] as number[] };
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    const ns0 = cpuNs(pids);
    const us0 = cg?.cpuUsageUs(id) ?? NaN;
    await sleep(SAMPLE_MS);
    const s = (performance.now() - t0) / 1000;
    out.procs.push(((cpuNs(pids) - ns0) / 1e9 / s) * 100);
    out.computer.push((((cg?.cpuUsageUs(id) ?? NaN) - us0) / 1e6 / s) * 100);
  }
  return out;
}

export async function streamRows(): Promise<Row[]> {
  const rtmp = await startRtmpServer();
  const h = await startBenchHost();
  try {
    const ws = await h.client.createWorkspace('bench');
    const pc = await h.client.createComputer({ workspace_id: ws.id, name: 'streamer', resolution: '1280x720x24' });
    if (pc.status !== 'running') throw new Error(`create: ${pc.error_message}`);
    await h.client.addStreamConnection({ name: 'bench', server_url: rtmp.url, stream_key: 'bench-key-0001' });
    await h.client.bash(pc.id, '(setsid xterm -geometry 160x45+0+0 -e top -d 1 >/dev/null 2>&1 &)');
    await sleep(3000);

    const idle = await sample(h, pc.id, []);

    const started = await h.client.startStream(pc.id, 'bench');
    if (started.status !== 'streaming') throw new Error(`stream: ${JSON.stringify(started)}`);
    await sleep(3000); // past the start: the sound server waking, the encoder's first keyframe
    const streamPids = ffmpegs(h, pc.id);
    if (streamPids.length !== 1) throw new Error(`expected the stream's one ffmpeg, found ${streamPids.length}`);
    const streaming = await sample(h, pc.id, streamPids);
    const status = await h.client.streamStatus(pc.id);
    if (status.status !== 'streaming' || status.retries) throw new Error(`the stream faltered while measured: ${JSON.stringify(status)}`);
    await h.client.stopStream(pc.id);
    const bytes = rtmp.recordings('bench-key-0001').reduce((n, r) => n + r.bytes, 0);

    // The baseline: the same grab, at the same size and rate, and nothing done with it.
    await h.client.bash(pc.id, '(setsid ffmpeg -nostdin -loglevel error -f x11grab -framerate 15 -video_size 1280x720 -i :1 -f null - >/dev/null 2>&1 &)');
    await sleep(2000);
    const grabPids = ffmpegs(h, pc.id);
    if (grabPids.length !== 1) throw new Error(`expected the grab's one ffmpeg, found ${grabPids.length}`);
    const grab = await sample(h, pc.id, grabPids);
    await h.client.bash(pc.id, 'pkill -x ffmpeg; true');

    console.log(`stream: ${(bytes / 1024 / 1024).toFixed(1)} MB reached the RTMP server while measured`);
    return [
      { what: "720p15 stream (H.264 2.5 Mbit/s CBR + AAC): its ffmpeg's CPU, % of a core", ours: streaming.procs, peer: grab.procs, peerName: 'ffmpeg x11grab → null, same screen', unit: '%', target: '< 15 %' },
      { what: 'the whole computer while streaming (cgroup: ffmpeg, sound server, X), % of a core', ours: streaming.computer, peer: idle.computer, peerName: 'the same computer not streaming', unit: '%' },
    ];
  } finally {
    await h.close();
    rtmp.close();
  }
}

export async function run(): Promise<void> {
  printTable('stream', await streamRows());
}
