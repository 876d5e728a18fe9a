/**
 * The agent's bash tool is one live shell per thread inside the computer, as Anthropic's bash
 * tool (bash_20250124) promises the model: what one command does to the shell (cd, exported
 * variables, functions) is there for the next, in the same run and when the thread is continued;
 * `restart: true` gives a fresh shell; a command past its time is interrupted and reported in
 * words, and the shell goes on with its state; two threads never share one; a cancelled run's
 * command is stopped so the computer is free; output is capped. Driven through the endpoint by a
 * stand-in for Anthropic's API that reads the tool results it is sent.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { startAnthropicDouble, type AnthropicDouble, type Reply, type SeenRequest } from '../helpers/anthropic-double.js';
import { chat, getJson } from '../helpers/agent.js';
import { eventually, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';

const TIMEOUT_S = 3;
let t: TestHost;
let model: AnthropicDouble;
let pc: Computer;
let script: (req: SeenRequest, i: number) => Reply = () => ({ text: 'no script' });

beforeAll(async () => {
  model = await startAnthropicDouble((req, i) => script(req, i));
  t = await startTestHost({ agents: { anthropicBaseUrl: model.url, maxRetries: 1, bashTimeoutS: TIMEOUT_S } });
  const ws = await t.client.createWorkspace('agent-bash');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'agent-bash', resolution: '1280x720x24' });
  expect(pc.status).toBe('running');
});
afterAll(async () => {
  await t?.close();
  await model?.close();
});
beforeEach(() => {
  model.problems.length = 0;
});

type Input = { command: string } | { restart: true };
interface Seen {
  text: string;
  error: boolean;
}

/** What the last turn of a request tells the model about the tool call it answers. */
function result(req: SeenRequest): Seen {
  const last = req.body.messages[req.body.messages.length - 1]!;
  const block = (Array.isArray(last.content) ? last.content : []).find((b) => b.type === 'tool_result');
  if (!block) throw new Error('no tool_result in the request');
  const content = block.content as string | Array<{ type: string; text?: string }>;
  const text = typeof content === 'string' ? content : content.map((c) => c.text ?? '').join('\n');
  return { text, error: block.is_error === true };
}

/** One run that makes the model call bash with each input in turn; answers what each call returned. */
async function bashRun(inputs: Input[], threadId?: string): Promise<{ results: Seen[]; threadId: string }> {
  const results: Seen[] = [];
  let k = 0;
  script = (req) => {
    if (k > 0) results.push(result(req));
    if (k < inputs.length) return { tool: { name: 'bash', input: inputs[k++]! } };
    return { text: 'Done with the shell.' };
  };
  const r = await chat(
    t.api,
    { computer_id: pc.id, thread_id: threadId, messages: [{ role: 'user', content: 'work in the shell' }] },
    { 'x-anthropic-key': model.key },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(model.problems).toEqual([]);
  expect(results.length).toBe(inputs.length);
  return { results, threadId: r.body.orgo.thread_id };
}

it('cd, an exported variable and a function from one step are there in the next, and when the thread continues', async () => {
  const a = await bashRun([
    { command: 'mkdir -p /tmp/agent-bash-dir && cd /tmp/agent-bash-dir && export AGENT_VAR=forty-two; greet() { echo "hello $1"; }; echo set' },
    { command: 'pwd; echo "var=$AGENT_VAR"; greet model' },
  ]);
  expect(a.results[0]).toEqual({ text: 'set', error: false });
  expect(a.results[1]).toEqual({ text: '/tmp/agent-bash-dir\nvar=forty-two\nhello model', error: false });
  // A later request on the same thread is the same shell.
  const b = await bashRun([{ command: 'pwd; echo "var=$AGENT_VAR"; greet again; false' }], a.threadId);
  expect(b.threadId).toBe(a.threadId);
  expect(b.results[0]).toEqual({ text: '/tmp/agent-bash-dir\nvar=forty-two\nhello again\n[exit code 1]', error: false });
});

it('restart: true gives a fresh shell in the home folder without the old state', async () => {
  const r = await bashRun([
    { command: 'cd /tmp && export AGENT_VAR=old && greet() { echo hi; }' },
    { restart: true },
    { command: 'pwd; echo "var=[$AGENT_VAR]"; type greet 2>&1 | head -1' },
  ]);
  expect(r.results[1]).toEqual({ text: 'tool has been restarted.', error: false });
  expect(r.results[2]!.text).toBe('/home/user\nvar=[]\nbash: type: greet: not found');
});

it('a command past its time is interrupted and said so; the shell keeps its state and the next command runs', async () => {
  const r = await bashRun([
    { command: 'cd /tmp && export KEPT=yes && echo started && sleep 613.7 && echo never' },
    { command: 'pwd; echo "kept=$KEPT"' },
    // A loop of builtins runs in the shell itself: Ctrl-C ends it too, not the shell.
    { command: 'while true; do :; done' },
    { command: 'echo "still $KEPT in $PWD"' },
  ]);
  expect(r.results[0]!.error).toBe(true);
  expect(r.results[0]!.text).toBe(`started\ntimed out: the command had not returned in ${TIMEOUT_S} seconds; it was interrupted (Ctrl-C); the shell is still running, with its working directory and variables.`);
  expect(r.results[1]).toEqual({ text: '/tmp\nkept=yes', error: false });
  expect(r.results[2]!.error).toBe(true);
  expect(r.results[2]!.text).toMatch(/^timed out: /);
  expect(r.results[3]).toEqual({ text: 'still yes in /tmp', error: false });
  // Nothing of the interrupted commands is left running in the computer.
  expect((await t.client.bash(pc.id, 'pgrep -f "sleep 61[3].7" || echo none')).output.trim()).toBe('none');
});

it('a command that ignores Ctrl-C is killed, and the shell still keeps its state', async () => {
  const r = await bashRun([
    { command: 'cd /tmp && export KEPT=after-kill' },
    { command: "python3 -c 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); print(\"stubborn\", flush=True); time.sleep(600)'" },
    { command: 'echo "$KEPT in $PWD"' },
  ]);
  expect(r.results[1]!.error).toBe(true);
  expect(r.results[1]!.text).toContain('stubborn');
  expect(r.results[1]!.text).toContain('it ignored Ctrl-C and was killed; the shell is still running');
  expect(r.results[2]).toEqual({ text: 'after-kill in /tmp', error: false });
});

it('two threads do not share a shell', async () => {
  const a = await bashRun([{ command: 'cd /tmp && export WHO=thread-a' }]);
  const b = await bashRun([{ command: 'pwd; echo "who=[$WHO]"; export WHO=thread-b; cd /var' }]);
  expect(b.threadId).not.toBe(a.threadId);
  expect(b.results[0]!.text).toBe('/home/user\nwho=[]');
  const again = await bashRun([{ command: 'pwd; echo "who=$WHO"' }], a.threadId);
  expect(again.results[0]!.text).toBe('/tmp\nwho=thread-a');
});

it('output is capped: a huge one keeps its start and its end, with the cut said in words', async () => {
  const r = await bashRun([{ command: 'seq 1 300000; echo the-end' }]);
  const text = r.results[0]!.text;
  expect(text.length).toBeLessThan(40_000);
  expect(text.startsWith('1\n2\n3\n')).toBe(true);
  expect(text.endsWith('299999\n300000\nthe-end')).toBe(true);
  expect(text).toMatch(/\[\.\.\. \d+ (characters|bytes of output) cut \.\.\.\]/);
});

it('`exit` ends the shell, said so; the next command gets a new one', async () => {
  const r = await bashRun([{ command: 'cd /tmp; echo bye; exit 3' }, { command: 'pwd' }]);
  expect(r.results[0]).toEqual({ text: 'bye\n[the shell exited with code 3; the next command starts a new one]', error: false });
  expect(r.results[1]).toEqual({ text: '/home/user', error: false });
});

it('cancelling a run stops its long command at once (not at its timeout), so the computer is free', async () => {
  // A host of its own whose bash timeout (10 min) cannot be what ends the command.
  const long = await startTestHost({ agents: { anthropicBaseUrl: model.url, maxRetries: 1 } });
  try {
    const ws = await long.client.createWorkspace('agent-bash-cancel');
    const other = await long.client.createComputer({ workspace_id: ws.id, name: 'agent-bash-cancel', resolution: '1280x720x24' });
    script = () => ({ tool: { name: 'bash', input: { command: 'sleep 917.31' } } });
    const running = chat(long.api, { computer_id: other.id, messages: [{ role: 'user', content: 'sleep' }] }, { 'x-anthropic-key': model.key });
    // Seen from outside the computer: its actions queue is held by the command.
    const sleeping = () => spawnSync('pgrep', ['-f', 'sleep 917.31']).stdout.toString().trim();
    await eventually(async () => sleeping(), (p) => p !== '', 20_000, 'the sleep to start');
    const id = (await getJson(long.api, `/v1/threads?computer_id=${other.id}`)).body.data[0].id;
    const cancel = await fetch(`${long.api}/v1/threads/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(((await cancel.json()) as { status: string }).status).toBe('cancelled');
    expect((await running).body.orgo.status).toBe('cancelled');
    await eventually(async () => sleeping(), (p) => p === '', 20_000, 'the cancelled command to end');
    // The queue is free: an API action goes through (it would wait out the 917 s sleep otherwise).
    expect((await long.client.bash(other.id, 'echo free')).output).toBe('free\n');
  } finally {
    await long.close();
  }
}, 90_000);

it('a deleted thread takes its shell with it; a restarted computer gives the thread a new shell', async () => {
  const a = await bashRun([{ command: 'export MARK=shell-of-a; sleep 300 &' }]);
  const shells = () => t.client.bash(pc.id, 'pgrep -u user -c -f "bash --noediting --rcfil[e]" || true').then((x) => Number(x.output.trim()));
  const before = await shells();
  expect(before).toBeGreaterThan(0);
  await t.client.request('POST', `/computers/${pc.id}/restart`);
  const b = await bashRun([{ command: 'echo "mark=[$MARK]"' }], a.threadId);
  expect(b.results[0]).toEqual({ text: 'mark=[]', error: false });
  expect(await shells()).toBe(1);
  expect((await getJson(t.api, `/v1/threads/${a.threadId}`, 'DELETE')).status).toBe(200);
  await eventually(shells, (n) => n === 0, 10_000, 'the deleted thread\'s shell to end');
}, 120_000);
