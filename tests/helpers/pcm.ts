/** Small analyses of s16le PCM, written out so a test checks sound by its own arithmetic. */

/** Samples of one channel from interleaved s16le bytes. */
export function samples(pcm: Buffer, channels = 1, channel = 0): Float64Array {
  const n = Math.floor(pcm.length / 2 / channels);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pcm.readInt16LE((i * channels + channel) * 2);
  return out;
}

export function rms(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Power at one frequency (Goertzel), for a scan around the expected tone. */
export function goertzel(x: Float64Array, rate: number, freq: number): number {
  const w = (2 * Math.PI * freq) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/** The strongest frequency between `lo` and `hi` Hz, to `step` Hz. */
export function peakFrequency(x: Float64Array, rate: number, lo: number, hi: number, step = 0.25): number {
  let best = lo;
  let bestPower = -1;
  for (let f = lo; f <= hi; f += step) {
    const p = goertzel(x, rate, f);
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  return best;
}

/** Frequency from upward zero crossings: crossings between the first and last, over their span. */
export function zeroCrossingFrequency(x: Float64Array, rate: number): number {
  const ups: number[] = [];
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) ups.push(i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!)); // interpolated
  }
  if (ups.length < 2) return 0;
  return ((ups.length - 1) * rate) / (ups[ups.length - 1]! - ups[0]!);
}

export interface IntervalStats {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
  /** Standard deviation of the intervals: the jitter. */
  jitter: number;
}

export function intervalStats(times: number[]): IntervalStats {
  const d = times.slice(1).map((t, i) => t - times[i]!);
  const sorted = [...d].sort((a, b) => a - b);
  const mean = d.reduce((a, b) => a + b, 0) / Math.max(1, d.length);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  const jitter = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, d.length));
  return { n: d.length, mean, p50: q(50), p95: q(95), max: sorted[sorted.length - 1] ?? NaN, jitter };
}
