/**
 * Agent: the host's own time per step, from the model's tool call arriving (the double's
 * message_stop written) to the next model request arriving at the double (the model's time
 * left out), for a click and for typing, through the real endpoint and loop against the
 * loopback stand-in for Anthropic's API. Beside it, the same step the reference loop's way
 * (anthropic-quickstarts computer-use-demo: the action, a fixed 2 s sleep, a screenshot), done
 * with the host's own action and screenshot code on the same desktop in the same run; and the
 * same steps through the endpoint with the host's previous settle rule (a fixed 100 ms of quiet,
 * then the screenshot), alternating with ours so both meet the same load.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { REFERENCE_DELAY_MS } from '../host/agents/computer.js';
import { SETTLE, SETTLE_FIXED_WINDOW, type SettleRule } from '../host/agents/settle.js';
import { encodePng } from '../host/imaging/png.js';
import { actionsFor } from '../host/services/actions.js';
import { startAnthropicDouble, type Reply } from '../tests/helpers/anthropic-double.js';
import { chat } from '../tests/helpers/agent.js';
import { startBenchHost } from './host.js';
import { printTable, time } from './stats.js';

const N = Number(process.env.BENCH_AGENT_N ?? 30);
const PEER_N = Number(process.env.BENCH_AGENT_PEER_N ?? 8);
/** Runs per settle rule, alternating, each of N/ROUNDS clicks and typings. */
const ROUNDS = 2;

export async function run(): Promise<void> {
  // Each run's steps: a screenshot, then clicks and typings alternating, then done. The plan's
  // place is the number of model turns so far in the request, so every run follows it afresh.
  const per = Math.ceil(N / ROUNDS);
  const plan: Array<Record<string, unknown>> = [{ action: 'screenshot' }];
  for (let i = 0; i < per; i++) plan.push({ action: 'left_click', coordinate: [300 + (i % 5) * 20, 250] }, { action: 'type', text: 'hello world ' });
  const double = await startAnthropicDouble((req): Reply => {
    const i = req.body.messages.filter((m) => m.role === 'assistant').length;
    return i < plan.length ? { tool: { name: 'computer', input: plan[i]! } } : { text: 'done' };
  });
  const settle: SettleRule = { ...SETTLE };
  const { host, api, client, close } = await startBenchHost({ agents: { anthropicBaseUrl: double.url, settle } });
  try {
    const ws = await client.createWorkspace('bench');
    const c = await client.createComputer({ workspace_id: ws.id, name: 'bench-agent', resolution: '1280x720x24' });
    if (c.status !== 'running') throw new Error(`computer ${c.id} is ${c.status}: ${c.error_message}`);
    await client.bash(c.id, 'xterm -geometry 100x30+40+40 -e bash >/dev/null 2>&1 & sleep 1.5');

    // Host time of a step: the request answering it arrived, less when the tool call was written.
    const stepMs = (from: number, to: number, action: string) =>
      double.requests.slice(from, to).flatMap((q, k) => (k > 2 && q.answering[0]?.action === action ? [q.arrivedAt - double.answeredAt[from + k - 1]!] : [])); // the first steps warm the X connection's DAMAGE and keymap
    const samples = { ours: { click: [] as number[], type: [] as number[] }, fixed: { click: [] as number[], type: [] as number[] } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of ['ours', 'fixed'] as const) {
        Object.assign(settle, which === 'ours' ? SETTLE : SETTLE_FIXED_WINDOW);
        const from = double.requests.length; // a task of its own each time: the same body again would be taken for a retry
        const r = await chat(api, { computer_id: c.id, max_steps: plan.length + 1, messages: [{ role: 'user', content: `bench ${which} ${round}` }] }, { 'x-anthropic-key': double.key });
        if (r.status !== 200) throw new Error(`the run failed: ${JSON.stringify(r.body)}`);
        if (double.problems.length) throw new Error(`the double saw problems: ${double.problems.join('; ')}`);
        const to = double.requests.length;
        samples[which].click.push(...stepMs(from, to, 'left_click'));
        samples[which].type.push(...stepMs(from, to, 'type'));
      }
    }

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

    const title = `agent step, host time (tool call arrives → next model request leaves, through the endpoint; ours: settle as soon as the screen is still, screenshot taken during the quiet window; ${ROUNDS} runs per rule alternating)`;
    printTable(`${title}: beside the previous rule, a fixed 100 ms of quiet then the screenshot, same desktop, same run`, [
      { what: 'click step', ours: samples.ours.click, peer: samples.fixed.click, peerName: 'fixed 100 ms quiet window, then screenshot', target: 'p50 < 150 ms' },
      { what: 'typing step ("hello world ")', ours: samples.ours.type, peer: samples.fixed.type, peerName: 'fixed 100 ms quiet window, then screenshot', target: 'p50 < 150 ms' },
    ]);
    printTable(`the same beside the reference loop's way (action, fixed 2 s, screenshot; n=${PEER_N}, the host's own action and screenshot code, no model request)`, [
      { what: 'click step', ours: samples.ours.click, peer: refClick, peerName: 'action, 2 s sleep, screenshot', target: 'p50 < 150 ms' },
      { what: 'typing step ("hello world ")', ours: samples.ours.type, peer: refType, peerName: 'action, 2 s sleep, screenshot', target: 'p50 < 150 ms' },
    ]);
    console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`);
  } finally {
    await close();
    await double.close();
  }
}
