/**
 * Actions: p50/p95 of screenshot, click, type, key and bash through the HTTP API, against the
 * peer way of doing each on the same desktop in the same run: a process per action (scrot,
 * `import -window root`, xdotool, `bash -lc`), started inside the computer through one bash
 * call that times each run with bash's $EPOCHREALTIME (no fork for the clock). The peer's
 * numbers therefore leave out any HTTP or API cost that ours include.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { encodePng } from '../host/imaging/png.js';
import { actionsFor } from '../host/services/actions.js';
import { OrgoClient } from '../shared/api/client.js';
import { startBenchHost } from './host.js';
import { printTable, time, type Row } from './stats.js';

const N = Number(process.env.BENCH_ACTIONS_N ?? 60);
const WARMUP = 5;

export async function run(): Promise<void> {
  const { host, client, close } = await startBenchHost();
  try {
    const ws = await client.createWorkspace('bench');
    const c = await client.createComputer({ workspace_id: ws.id, name: 'bench-actions', resolution: '1280x720x24' });
    if (c.status !== 'running') throw new Error(`computer ${c.id} is ${c.status}: ${c.error_message}`);
    // Something to type into and to draw: a terminal with text in it, focused.
    await client.bash(c.id, 'xterm -geometry 100x30+40+40 -e "ls -la /usr/bin | head -200; exec bash" >/dev/null 2>&1 & sleep 1.5');
    await client.click(c.id, 300, 300);

    const series = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < WARMUP; i++) await fn();
      const out: number[] = [];
      for (let i = 0; i < N; i++) out.push(await time(fn));
      return out;
    };
    const shot = await series(() => client.screenshot(c.id));
    const shotRaw = await series(() => client.screenshotBytes(c.id));
    const jpeg = await series(() => client.screenshotBytes(c.id, { format: 'jpeg', quality: 80 }));
    const click = await series(() => client.click(c.id, 300, 300));
    const type = await series(() => client.type(c.id, 'hello world'));
    const key = await series(() => client.key(c.id, 'ctrl+a'));
    const bash = await series(() => client.bash(c.id, 'true'));

    // In-process cost of a screenshot, without HTTP: where the time of the API call goes.
    const row = host.computers.get(c.id);
    const actions = actionsFor(host.computers);
    const capture: number[] = [];
    const encode: number[] = [];
    for (let i = 0; i < N; i++) {
      await actions.run(row, async () => {
        const s = await actions.session(row);
        let img = await s.capture();
        capture.push(await time(async () => (img = await s.capture())));
        encode.push(await time(async () => encodePng(img)));
      });
    }

    const peer = await peerTimes(client, c.id);
    const image = await client.screenshotBytes(c.id);
    writeFileSync('/tmp/actions-bench-shot.png', image);

    const rows: Row[] = [
      { what: 'screenshot 1280x720 PNG (JSON, base64)', ours: shot, peer: peer.scrot, peerName: 'scrot', target: 'p50 ≤ 25 ms' },
      { what: 'screenshot PNG (?raw=1 bytes)', ours: shotRaw, peer: peer.import, peerName: 'import -window root' },
      { what: 'screenshot JPEG q80 (bytes)', ours: jpeg, peer: peer.scrot, peerName: 'scrot (PNG)' },
      { what: '  of which: capture (MIT-SHM)', ours: capture },
      { what: '  of which: PNG encode', ours: encode },
      { what: 'click', ours: click, peer: peer.click, peerName: 'xdotool click 1', target: 'p50 ≤ 5 ms' },
      { what: 'type "hello world"', ours: type, peer: peer.type, peerName: 'xdotool type --delay 12', target: 'p50 ≤ 20 ms' },
      { what: 'key ctrl+a', ours: key, peer: peer.key, peerName: 'xdotool key ctrl+a' },
      { what: 'bash "true"', ours: bash, peer: peer.bash, peerName: 'bash -lc true (process only)', target: 'p50 ≤ 25 ms' },
    ];
    printTable(`actions (n=${N} each after ${WARMUP} warm-up; ours through the HTTP API; peer: a process per action inside the computer)`, rows);
    // Other work on this 2-core machine moves every number: say how busy it was.
    console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`);
    console.log('\nscreenshot saved to /tmp/actions-bench-shot.png');
  } finally {
    await close();
  }
}

/** Times the peer tools inside the computer, N runs each, in one bash call. */
async function peerTimes(client: OrgoClient, id: string) {
  const loops: Record<string, string> = {
    scrot: 'scrot -o /tmp/peer.png',
    import: 'import -window root /tmp/peer.png',
    click: 'xdotool click 1',
    type: "xdotool type --delay 12 'hello world'",
    key: 'xdotool key ctrl+a',
    bash: 'bash -lc true',
  };
  const script = Object.entries(loops)
    .map(([name, cmd]) => `for i in $(seq ${WARMUP}); do ${cmd}; done; for i in $(seq ${N}); do s=$EPOCHREALTIME; ${cmd}; e=$EPOCHREALTIME; echo "${name} $s $e"; done`)
    .join('\n');
  const r = await client.bash(id, script, 600);
  if (r.exit_code !== 0) throw new Error(`peer tools failed: ${r.output.slice(-500)}`);
  const out: Record<string, number[]> = {};
  for (const line of r.output.split('\n')) {
    const m = /^(\w+) ([\d.]+) ([\d.]+)$/.exec(line.trim());
    if (m) (out[m[1]!] ??= []).push((Number(m[3]) - Number(m[2])) * 1000);
  }
  for (const name of Object.keys(loops)) if ((out[name]?.length ?? 0) < N) throw new Error(`peer ${name}: only ${out[name]?.length ?? 0} samples`);
  return out as Record<keyof typeof loops, number[]>;
}
