/**
 * Many at once: 10 computers, each driven by 5 concurrent clients for `--seconds` (default 60),
 * each client issuing screenshot, click, type and bash in turn (the clicks alternate between a
 * terminal and the panel's clock, so `type` meets both ends of the focus-settle wait). Printed
 * per action: p50/p95/p99 under that load beside the same actions on one quiet computer with
 * one client, the throughput and the error count (the target is zero). Then the focus wait
 * alone on the quiet computer: click → type into a terminal, and click on the panel → type.
 *   npm run bench -- many --seconds 20 --computers 10 --clients 5
 */
import { loadavg } from 'node:os';
import type { OrgoClient } from '../shared/api/client.js';
import { startBenchHost } from './host.js';
import { percentile, printTable, time, type Row } from './stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

type Action = 'screenshot' | 'click' | 'type' | 'bash';
const ACTIONS: Action[] = ['screenshot', 'click', 'type', 'bash'];
const TERMINAL = { x: 400, y: 300 };
const CLOCK = { x: 1250, y: 703 };

/** A terminal that swallows what is typed, focused: typing changes nothing that lasts. */
async function prepare(client: OrgoClient, id: string): Promise<void> {
  await client.bash(id, `xterm -geometry 100x30+40+40 -e 'cat > /dev/null' >/dev/null 2>&1 & for i in $(seq 100); do xdotool search --onlyvisible --class xterm >/dev/null 2>&1 && break; sleep 0.05; done`);
  await client.click(id, TERMINAL.x, TERMINAL.y);
}

/** One client's turn through the actions; `n` picks the click's target. */
function step(client: OrgoClient, id: string, action: Action, n: number): Promise<unknown> {
  switch (action) {
    case 'screenshot':
      return client.screenshotBytes(id);
    case 'click': {
      const at = n % 2 ? CLOCK : TERMINAL;
      return client.click(id, at.x, at.y);
    }
    case 'type':
      return client.type(id, 'hello world\n');
    case 'bash':
      return client.bash(id, 'true');
  }
}

export async function run(): Promise<void> {
  const seconds = flag('seconds', 60);
  const computers = flag('computers', 10);
  const clients = flag('clients', 5);
  const { client, close } = await startBenchHost();
  try {
    const ws = await client.createWorkspace('bench-many');
    const ids: string[] = [];
    for (let i = 0; i < computers; i++) {
      const c = await client.createComputer({ workspace_id: ws.id, name: `many-${i}` });
      if (c.status !== 'running') throw new Error(`computer ${c.id} is ${c.status}: ${c.error_message}`);
      ids.push(c.id);
    }
    await Promise.all(ids.map((id) => prepare(client, id)));

    // Quiet: one client on one computer, the same actions in the same order.
    const quiet: Record<Action, number[]> = { screenshot: [], click: [], type: [], bash: [] };
    for (let n = 0; n < 40; n++) for (const a of ACTIONS) quiet[a].push(await time(() => step(client, ids[0]!, a, n)));

    // The focus wait alone: a click and then `type`, timed together, into the terminal and after the panel.
    const focus = { terminal: [] as number[], panel: [] as number[] };
    for (let n = 0; n < 20; n++) {
      focus.terminal.push(await time(async () => (await client.click(ids[0]!, TERMINAL.x, TERMINAL.y), await client.type(ids[0]!, 'x'))));
      focus.panel.push(await time(async () => (await client.click(ids[0]!, CLOCK.x, CLOCK.y), await client.type(ids[0]!, 'x'))));
    }
    const typeAlone: number[] = [];
    for (let n = 0; n < 20; n++) typeAlone.push(await time(() => client.type(ids[0]!, 'x')));

    // Loaded: every computer, `clients` clients each, for `seconds`.
    const loaded: Record<Action, number[]> = { screenshot: [], click: [], type: [], bash: [] };
    const errors: string[] = [];
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(ids.flatMap((id) => Array.from({ length: clients }, async (_, k) => {
      for (let n = k; performance.now() < until; n++) {
        const a = ACTIONS[n % ACTIONS.length]!;
        try {
          loaded[a].push(await time(() => step(client, id, a, Math.floor(n / ACTIONS.length))));
        } catch (e) {
          errors.push(`${a}: ${(e as Error).message}`);
        }
      }
    })));
    const elapsed = (performance.now() - started) / 1000;
    const total = ACTIONS.reduce((s, a) => s + loaded[a].length, 0);

    const rows: Row[] = ACTIONS.map((a) => ({ what: a, ours: loaded[a], peer: quiet[a], peerName: 'one quiet computer, one client' }));
    rows.push({ what: 'all actions', ours: ACTIONS.flatMap((a) => loaded[a]), peer: ACTIONS.flatMap((a) => quiet[a]), peerName: 'one quiet computer, one client', target: '0 errors' });
    printTable(`many at once: ${computers} computers × ${clients} clients for ${seconds} s (ours: under that load)`, rows);
    const p99 = (a: number[]) => percentile(a, 99).toFixed(1);
    console.log(`\np99 under load / quiet: ${ACTIONS.map((a) => `${a} ${p99(loaded[a])} / ${p99(quiet[a])} ms`).join('; ')}`);
    console.log(`${total} actions in ${elapsed.toFixed(1)} s: ${(total / elapsed).toFixed(0)} a second; ${errors.length} errors${errors.length ? `, first: ${errors[0]}` : ''}`);
    printTable('focus-settle wait (quiet computer): click then type "x", timed together', [
      { what: 'click terminal → type', ours: focus.terminal, peer: typeAlone, peerName: 'type alone' },
      { what: 'click panel clock → type', ours: focus.panel, peer: typeAlone, peerName: 'type alone', target: 'well under the 500 ms ceiling' },
    ]);
    console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`);
    if (errors.length) process.exitCode = 1;
  } finally {
    await close();
  }
}
