/**
 * `orgo run`, `agent`, `sessions` and `resume` against the host's agent endpoint, with the
 * Anthropic test double deciding each step from the real screenshots it is sent: one task with
 * --json (text, the tool calls and results from the live feed, usage, the computer), the
 * conversation in a real terminal (steps streamed, /usage, Esc stopping a run on the host too),
 * and a saved session continued on the same server thread.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { getJson, magentaScript, magentaTerminal } from '../helpers/agent.js';
import { startAnthropicDouble, type AnthropicDouble, type Reply, type SeenRequest } from '../helpers/anthropic-double.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { buildCli, cliHome, orgo, orgoPty, plain, type CliHome } from '../helpers/orgo-cli.js';

let t: TestHost;
let double: AnthropicDouble;
let h: CliHome;
let env: NodeJS.ProcessEnv;
let pc: Computer;
/** When set, the model takes its time over every answer (to stop a run while it thinks). */
let slow = false;
const script = magentaScript();

beforeAll(async () => {
  buildCli();
  double = await startAnthropicDouble((req: SeenRequest): Reply =>
    slow
      ? { text: 'Thinking it over…', tool: { name: 'computer', input: { action: 'screenshot' } }, delayMs: 4000 }
      : lastUserText(req).includes('Summarise our conversation')
        ? { text: SUMMARY }
        : script(req),
  );
  t = await startTestHost({ agents: { anthropicKey: double.key, anthropicBaseUrl: double.url, maxRetries: 0 } });
  h = cliHome();
  env = { ...h.env, ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY };
  const ws = await t.client.createWorkspace('agents');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'worker' });
  await t.client.bash(pc.id, magentaTerminal(200, 150));
});
afterAll(async () => {
  h?.close();
  await t?.close();
  await double?.close();
});

/** What the model writes when /compact asks it for a summary. */
const SUMMARY = 'We wrote agent-42 into ~/agent.txt through the magenta terminal; nothing is open.';
const textOf = (content: string | Array<Record<string, unknown>>) =>
  typeof content === 'string' ? content : content.map((b) => (b.type === 'text' ? String(b.text) : '')).join('');
const lastUserText = (req: SeenRequest) => textOf(req.body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '');

const session = (id: string) => JSON.parse(readFileSync(join(h.dir, '.orgo/sessions', `${id}.json`), 'utf8'));

describe('orgo run', () => {
  it('does one task and prints {text, tool_calls, tool_results, usage, computer} with --json', async () => {
    const r = await orgo(['run', 'write agent-42 into ~/agent.txt in the magenta terminal', '--computer', 'worker', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.text).toMatch(/Done: the command ran in the magenta terminal/);
    expect(a.tool_calls.map((c: { input: { action: string } }) => c.input.action)).toEqual(['screenshot', 'left_click', 'type']);
    expect(a.tool_calls[1].input.coordinate).toEqual([expect.any(Number), expect.any(Number)]);
    expect(a.tool_results).toHaveLength(3);
    expect(a.tool_results.map((x: { id: string }) => x.id)).toEqual(a.tool_calls.map((x: { id: string }) => x.id));
    expect(a.usage.total_tokens).toBeGreaterThan(0);
    expect(a.computer).toEqual({ id: pc.id, name: 'worker' });
    expect((await t.client.bash(pc.id, 'cat ~/agent.txt')).output).toBe('agent-42\n');
    expect(double.problems).toEqual([]);
    // Saved as a session with the server's thread.
    const list = JSON.parse((await orgo(['sessions', '--json'], env)).stdout);
    expect(list[0]).toMatchObject({ id: a.session, computer: { name: 'worker' }, turns: 1, thread_id: a.thread_id });
  });

  it('names an unknown computer in words', async () => {
    const r = await orgo(['run', 'x', '--computer', 'nobody'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No computer "nobody"/);
  });
});

describe('orgo agent and resume', () => {
  it('streams a conversation in a terminal, stops a run with Esc on the host too, and saves the session', async () => {
    const term = orgoPty(['agent', '--computer', 'worker'], env);
    await term.until(/› $/);
    let from = term.output().length;
    term.write('write agent-42 into ~/agent.txt in the magenta terminal\r');
    const shown = await term.until(/Done: the command ran in the magenta terminal\.\n\n› $/, 60_000, from);
    expect(shown).toMatch(/▸ computer \{"action":"screenshot"\}\n +✓ screenshot \d+x\d+/);
    expect(shown).toMatch(/▸ computer \{"action":"left_click","coordinate":\[\d+,\d+\]\}/);
    from = term.output().length;
    term.write('/usage\r');
    await term.until(/Tokens: [\d,]+ in, \d+ out, [\d,]+ in all, over 1 turn\./, 5000, from);

    slow = true;
    from = term.output().length;
    term.write('look again\r');
    await new Promise((r) => setTimeout(r, 1500));
    term.write('\x1b');
    await term.until(/Stopped\.\n› $/, 10_000, from);
    slow = false;
    term.write('\x04');
    expect(await term.exited).toBe(0);
    const id = /Session (s_[0-9a-f]+) saved/.exec(plain(term.output()))![1]!;
    const s = session(id);
    expect(s.turns.map((x: { stopped?: string }) => x.stopped ?? 'done')).toEqual(['done', 'stopped']);
    const thread = await getJson(t.api, `/v1/threads/${s.thread_id}`);
    expect(thread.body.status).toBe('cancelled');

    // resume continues the same server thread, from a pipe.
    const r = await orgo(['resume', id], env, 'write agent-42 into ~/agent.txt in the magenta terminal\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Done: the command ran/);
    const after = session(id);
    expect(after.turns).toHaveLength(3);
    expect(after.thread_id).toBe(s.thread_id);
    const users = (await getJson(t.api, `/v1/threads/${s.thread_id}`)).body.messages.filter((m: { role: string }) => m.role === 'user');
    expect(users.length).toBeGreaterThanOrEqual(3);
  });
});

describe('/compact', () => {
  it('asks the model for the summary through the agent endpoint and continues from it on a fresh thread', async () => {
    const before = double.requests.length;
    const r = await orgo(['agent', '--computer', 'worker'], env, 'write agent-42 into ~/agent.txt in the magenta terminal\n/compact\nwrite agent-42 into ~/agent.txt in the magenta terminal\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${SUMMARY}\nCompacted: the next task starts a fresh thread from this summary.`);
    const seen = double.requests.slice(before);
    // The summary request went to the model with the conversation it summarises, and only once.
    const asked = seen.filter((q) => lastUserText(q).includes('Summarise our conversation'));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body.messages.map((m) => textOf(m.content)).join('\n')).toContain('write agent-42 into ~/agent.txt');
    // The next task starts from the summary alone, on a new server thread.
    const next = seen[seen.indexOf(asked[0]!) + 1]!;
    const texts = next.body.messages.map((m) => textOf(m.content));
    expect(texts[0]).toContain('Summary of our conversation so far');
    expect(texts.join('\n')).toContain(SUMMARY);
    expect(texts.join('\n')).not.toContain('Summarise our conversation');
    const id = /Session (s_[0-9a-f]+) saved/.exec(r.stdout)![1]!;
    const s = session(id);
    expect(s.turns.map((x: { prompt: string }) => x.prompt)).toEqual(['Summary of our conversation so far (earlier turns were compacted):', 'write agent-42 into ~/agent.txt in the magenta terminal']);
    expect(s.turns[0].text).toBe(SUMMARY);
    expect(double.problems).toEqual([]);
  });

  it('keeps the conversation when there is nothing to compact', async () => {
    const r = await orgo(['agent', '--computer', 'worker'], env, '/compact\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Nothing to compact yet: the conversation has no turns.');
  });
});
