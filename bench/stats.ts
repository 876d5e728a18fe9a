/** Percentiles and the table every benchmark part prints: ours beside the peer, as a ratio. */
export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface Row {
  what: string;
  ours: number[];
  /** The peer way of doing the same thing, measured in the same run; absent where there is none. */
  peer?: number[];
  peerName?: string;
  unit?: string;
  target?: string;
}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-');

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n## ${title}`);
  console.log('| what | n | ours p50 | ours p95 | peer | peer p50 | peer p95 | ours/peer (p50) | target |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const unit = r.unit ?? 'ms';
    const [o50, o95] = [percentile(r.ours, 50), percentile(r.ours, 95)];
    const [p50, p95] = r.peer ? [percentile(r.peer, 50), percentile(r.peer, 95)] : [NaN, NaN];
    const ratio = r.peer ? (o50 / p50).toFixed(3) : '-';
    console.log(`| ${r.what} | ${r.ours.length} | ${f(o50)} ${unit} | ${f(o95)} ${unit} | ${r.peerName ?? '-'} | ${f(p50)} | ${f(p95)} | ${ratio} | ${r.target ?? ''} |`);
  }
}

export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
