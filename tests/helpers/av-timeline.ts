/**
 * What a recording shows and sounds like over its own clock, as a viewer would line them up:
 * each video frame's mean brightness and the loudness of each short piece of its sound, both at
 * the times the file gives them (ffprobe running ffmpeg's signalstats and astats filters).
 */
import { execFileSync } from 'node:child_process';

interface ProbedFrame {
  pts_time: string;
  tags?: Record<string, string>;
}

function probe(graph: string, tag: string): Array<{ t: number; value: string }> {
  const out = execFileSync('ffprobe', ['-v', 'error', '-f', 'lavfi', graph, '-show_entries', `frame=pts_time:frame_tags=${tag}`, '-of', 'json'], {
    maxBuffer: 64 << 20,
  }).toString();
  const frames = (JSON.parse(out) as { frames?: ProbedFrame[] }).frames ?? [];
  return frames.map((f) => ({ t: Number(f.pts_time), value: f.tags?.[tag] ?? '' }));
}

/** lavfi reads the file name inside single quotes; a quote in it would end them. */
function quoted(path: string): string {
  if (/['\\]/.test(path)) throw new Error(`cannot hand ${path} to lavfi`);
  return `'${path}'`;
}

/** Each frame's mean luma (0-255) and its time in seconds. */
export function brightness(file: string): Array<{ t: number; y: number }> {
  return probe(`movie=${quoted(file)},signalstats`, 'lavfi.signalstats.YAVG').map((f) => ({ t: f.t, y: Number(f.value) }));
}

/** The sound's level (dBFS, -Infinity for digital silence) in pieces of `seconds`, with each piece's start time. */
export function loudness(file: string, seconds = 0.05, rate = 48000): Array<{ t: number; db: number }> {
  const n = Math.round(seconds * rate);
  return probe(`amovie=${quoted(file)},aresample=${rate},asetnsamples=n=${n}:p=0,astats=metadata=1:reset=1`, 'lavfi.astats.Overall.RMS_level').map((f) => ({
    t: f.t,
    db: f.value === '-inf' || f.value === '' ? -Infinity : Number(f.value),
  }));
}

/**
 * When a bright flash begins and ends: the first frame above the midpoint of the darkest and
 * brightest frames after a dark one (what was on screen before may be bright too), and the next below.
 */
export function flash(frames: Array<{ t: number; y: number }>): { start: number; end: number; dark: number; bright: number } | undefined {
  const dark = Math.min(...frames.map((f) => f.y));
  const bright = Math.max(...frames.map((f) => f.y));
  const mid = (dark + bright) / 2;
  const firstDark = frames.findIndex((f) => f.y <= dark + (bright - dark) / 10);
  if (firstDark < 0) return undefined;
  const on = frames.findIndex((f, i) => i > firstDark && f.y > mid);
  if (on < 0) return undefined;
  const off = frames.findIndex((f, i) => i > on && f.y <= mid);
  return { start: frames[on]!.t, end: off < 0 ? frames.at(-1)!.t : frames[off]!.t, dark, bright };
}
