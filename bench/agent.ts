/**
 * Agent: the host's own time per step, from the model's tool call arriving (the double's
 * message_stop written) to the next model request arriving at the double (the model's time
 * left out), for a click and for typing, through the real endpoint and loop against the
 * loopback stand-in for Anthropic's API. Beside it, the same step the reference loop's way
 * (anthropic-quickstarts computer-use-demo: the action, a fixed 2 s sleep, a screenshot), done
 * with the host's own action and screenshot code on the same desktop in the same run.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { REFERENCE_DELAY_MS } from '../host/agents/computer.js';
import { encodePng } from '../host/imaging/png.js';
import { actionsFor } from '../host/services/actions.js';
import { startAnthropicDouble, type Reply } from '../tests/helpers/anthropic-double.js';
import { chat } from '../tests/helpers/agent.js';
import { startBenchHost } from './host.js';
import { printTable, time } from './stats.js';

const N = Number(process.env.BENCH_AGENT_N ?? 30);
const PEER_N = Number(process.env.BENCH_AGENT_PEER_N ?? 8);

export async function run(): Promise<void> {
  // Steps: a screenshot, then N clicks and N typings alternating, then done.
  const plan: Array<Record<string, unknown>> = [{ action: 'screenshot' }];
  for (let i = 0; i < N; i++) plan.push({ action: 'left_click', coordinate: [300 + (i % 5) * 20, 250] }, { action: 'type', text: 'hello world ' });
  const double = await startAnthropicDouble((_req, i): Reply => (i < plan.length ? { tool: { name: 'computer', input: plan[i]! } } : { text: 'done' }));
  const { host, api, client, close } = await startBenchHost({ agents: { anthropicBaseUrl: double.url } });
  try {
    const ws = await client.createWorkspace('bench');
    const c = await client.createComputer({ workspace_id: ws.id, name: 'bench-agent', resolution: '1280x720x24' });
    if (c.status !== 'running') throw new Error(`computer ${c.id} is ${c.status}: ${c.error_message}`);
    await client.bash(c.id, 'xterm -geometry 100x30+40+40 -e bash >/dev/null 2>&1 & sleep 1.5');

    const r = await chat(api, { computer_id: c.id, max_steps: plan.length + 1, messages: [{ role: 'user', content: 'bench' }] }, { 'x-anthropic-key': double.key });
    if (r.status !== 200) throw new Error(`the run failed: ${JSON.stringify(r.body)}`);
    if (double.problems.length) throw new Error(`the double saw problems: ${double.problems.join('; ')}`);
    const stepMs = (action: string) =>
      double.requests.flatMap((q, i) => (i > 0 && q.answering[0]?.action === action ? [q.arrivedAt - double.answeredAt[i - 1]!] : [])).slice(2); // the first two warm the X connection's DAMAGE and keymap

    // The reference loop's way, same desktop: the action, 2 s, a screenshot (PNG).
    const row = host.computers.get(c.id);
    const actions = actionsFor(host.computers);
    const refStep = (act: (s: Awaited<ReturnType<typeof actions.session>>) => Promise<void>) =>
      time(async () => {
        await actions.run(row, async () => act(await actions.session(row)));
        await sleep(REFERENCE_DELAY_MS);
        await actions.run(row, async () => {
          const img = await (await actions.session(row)).capture();
          encodePng(img);
        });
      });
    const refClick: number[] = [];
    const refType: number[] = [];
    for (let i = 0; i < PEER_N; i++) {
      refClick.push(await refStep((s) => s.click(300 + (i % 5) * 20, 250, 'left', false)));
      refType.push(await refStep((s) => s.type('hello world ')));
    }

    printTable(`agent step, host time (tool call arrives → next model request leaves; ours: N=${N} each through the endpoint; peer: the reference loop's action + fixed 2 s + screenshot, n=${PEER_N})`, [
      { what: 'click step', ours: stepMs('left_click'), peer: refClick, peerName: 'action, 2 s sleep, screenshot', target: 'p50 < 150 ms' },
      { what: 'typing step ("hello world ")', ours: stepMs('type'), peer: refType, peerName: 'action, 2 s sleep, screenshot', target: 'p50 < 150 ms' },
    ]);
    console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`);
  } finally {
    await close();
    await double.close();
  }
}
