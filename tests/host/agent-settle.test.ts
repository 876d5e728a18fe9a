/**
 * The screenshot after an action is taken once the screen is still, and not before what the
 * action caused is on it: a terminal that answers a key late (nothing drawn for a moment, then
 * the whole window turns green) is green in the screenshot the model is sent; a screen that
 * never stops drawing still gets its screenshot and the run goes on. Real desktop, real xterm,
 * the model being the loopback stand-in for Anthropic's API that reads the screenshots.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { findColour, startAnthropicDouble, type AnthropicDouble, type Reply, type SeenRequest } from '../helpers/anthropic-double.js';
import { chat, MAGENTA } from '../helpers/agent.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

const GREEN: [number, number, number] = [0, 255, 0];

let t: TestHost;
let model: AnthropicDouble;
let pc: Computer;
let script: (req: SeenRequest) => Reply = () => ({ text: 'no script' });

const sh = async (command: string) => (await t.client.bash(pc.id, command)).output;

/** A magenta xterm running `program` (bash), shown before this returns. */
const terminal = (title: string, program: string) =>
  sh(`xterm -xrm 'XTerm*allowTitleOps: false' -T ${title} -bg '#ff00ff' -fg black -geometry 40x8+200+150 -e bash -c '${program}' >/dev/null 2>&1 &
    for i in $(seq 200); do xdotool search --onlyvisible --name '^${title}$' >/dev/null 2>&1 && break; sleep 0.05; done; sleep 0.5`);

/** The model: a screenshot, a click on the magenta window, then typing `text`; then done. */
const clickThenType = (text: string) => (req: SeenRequest): Reply => {
  const answered = req.answering[0]?.action;
  if (!answered) return { tool: { name: 'computer', input: { action: 'screenshot' } } };
  if (answered === 'screenshot') {
    const box = req.screenshots[0] && findColour(req.screenshots[0], MAGENTA);
    return box ? { tool: { name: 'computer', input: { action: 'left_click', coordinate: [box.cx, box.cy] } } } : { text: 'no magenta window' };
  }
  if (answered === 'left_click') return { tool: { name: 'computer', input: { action: 'type', text } } };
  return { text: 'done' };
};

beforeAll(async () => {
  model = await startAnthropicDouble((req) => script(req));
  t = await startTestHost({ agents: { anthropicBaseUrl: model.url, maxRetries: 1 } });
  const ws = await t.client.createWorkspace('settle');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'settle', resolution: '1280x720x24' });
  expect(pc.status).toBe('running');
});
afterAll(async () => {
  await t?.close();
  await model?.close();
});

it('a late answer to a key (nothing drawn for 70 ms, then the window turns green) is in the screenshot after it', async () => {
  // Silent read of one key, a 70 ms pause (a bash builtin, no process to start), then xterm's
  // background colour escape: the first drawing comes 70 ms after the key.
  await terminal('late', 'read -rsn1; read -rst 0.07; printf "\\033]11;#00ff00\\007"; sleep 600');
  model.requests.length = 0;
  script = clickThenType('x');
  const r = await chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'press x in the magenta terminal' }] }, { 'x-anthropic-key': model.key });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(model.problems).toEqual([]);
  const afterType = model.requests.find((q) => q.answering[0]?.action === 'type');
  expect(afterType, 'the model was asked after typing').toBeDefined();
  expect(findColour(afterType!.screenshots[0]!, GREEN), 'the window is green in the screenshot sent after the key').not.toBeNull();
  expect(findColour(afterType!.screenshots[0]!, MAGENTA), 'no magenta left').toBeNull();
});

it('a screen that never stops drawing still gets its screenshot, and the run goes on', async () => {
  await sh('pkill -f "xterm.*-T late" || true');
  // A background colour changed every 10 ms for ever.
  await terminal('busy', 'read -rsn1; while :; do printf "\\033]11;#%02x%02x00\\007" $((RANDOM % 256)) $((RANDOM % 256)); read -rst 0.01; done');
  model.requests.length = 0;
  script = clickThenType('x');
  const r = await chat(t.api, { computer_id: pc.id, messages: [{ role: 'user', content: 'press x in the magenta terminal' }] }, { 'x-anthropic-key': model.key });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.choices[0].message.content).toBe('done');
  expect(model.problems).toEqual([]);
  const afterType = model.requests.find((q) => q.answering[0]?.action === 'type');
  expect(afterType?.screenshots[0]).toMatchObject({ width: 1280, height: 720 });
  await sh('pkill -f "xterm.*-T busy" || true');
});
