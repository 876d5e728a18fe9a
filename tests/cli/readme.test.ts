/**
 * The README's newcomer path, run as written: every code block the README marks with
 * `<!-- test: sh -->`, `<!-- test: py -->` or `<!-- test: js -->`, in order, against a real host with a real desktop.
 * The one change is in the `<!-- test: setup -->` block: this test's host listens on a port of
 * its own, not 7391, so that port is put in its address; its key file is where the README says
 * (the home's ~/.local/share/orgo-desktop/host/api-key). The model behind the agent endpoint is
 * the Anthropic test double (a third party unreachable here), which checks what it is sent.
 * Orgo's Python SDK cannot be installed here (no PyPI): `from orgo import Computer` finds the
 * wire-faithful stand-in in tests/host/py/sdk.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicDouble, type AnthropicDouble } from '../helpers/anthropic-double.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { buildCli, ROOT } from '../helpers/orgo-cli.js';

interface Block {
  kind: 'setup' | 'sh' | 'js' | 'py';
  code: string;
}

function readmeBlocks(): Block[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...text.matchAll(/<!-- test: (setup|sh|js|py) -->\n```\w+\n([\s\S]*?)```/g)].map((m) => ({ kind: m[1] as Block['kind'], code: m[2]! }));
}

/** bash with a script; async, since the host under test runs in this process and must answer. */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-ec', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 180_000);
    p.once('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr })));
  });
}

let t: TestHost;
let double: AnthropicDouble;
let home: string;
const snippet = join(ROOT, 'out', `readme-snippet-${process.pid}.mjs`);
const pySnippet = join(ROOT, 'out', `readme-snippet-${process.pid}.py`);

beforeAll(async () => {
  buildCli();
  double = await startAnthropicDouble(() => ({ text: 'I wrote hello into ~/hello.txt.' }));
  home = mkdtempSync('/tmp/orgo-readme-');
  const dataDir = join(home, '.local/share/orgo-desktop/host');
  mkdirSync(dataDir, { recursive: true });
  t = await startTestHost({ dataDir, agents: { anthropicKey: double.key, anthropicBaseUrl: double.url, maxRetries: 0 } });
});
afterAll(async () => {
  rmSync(snippet, { force: true });
  rmSync(pySnippet, { force: true });
  rmSync('/tmp/first-1.png', { force: true });
  rmSync('/tmp/first-1-sdk.png', { force: true });
  await t?.close();
  await double?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the README', () => {
  it('runs every block marked for testing, as written, in order', async () => {
    const blocks = readmeBlocks();
    expect(blocks.map((b) => b.kind)).toEqual(['setup', 'sh', 'sh', 'py', 'js', 'sh']);
    const setup = blocks[0]!.code;
    expect(setup).toContain('127.0.0.1:7391');
    const state = join(home, 'state.sh');
    // A fresh shell per block, as a reader pastes them, with what earlier blocks exported.
    writeFileSync(state, setup.replace('127.0.0.1:7391', `127.0.0.1:${t.host.port}`));
    const env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', ANTHROPIC_API_KEY: double.key, PYTHONPATH: join(ROOT, 'tests/host/py/sdk') };
    const outputs: string[] = [];
    for (const b of blocks.slice(1)) {
      if (b.kind === 'js') writeFileSync(snippet, b.code);
      if (b.kind === 'py') writeFileSync(pySnippet, b.code);
      const run = { sh: `${b.code}\nexport -p > ${state}`, js: `node ${snippet}`, py: `python3 ${pySnippet}` }[b.kind as 'sh' | 'js' | 'py'];
      const r = await bash(`source ${state}\n${run}`, env);
      expect(r.status, `${b.code}\n${r.stdout}\n${r.stderr}`).toBe(0);
      outputs.push(r.stdout);
    }
    const [cli, curl, py, js, run] = outputs as [string, string, string, string, string];
    expect(cli).toMatch(/Created workspace first/);
    expect(cli).toMatch(/^Linux$/m);
    expect(readFileSync('/tmp/first-1.png').subarray(1, 4).toString()).toBe('PNG');
    const listed = JSON.parse(cli.slice(cli.lastIndexOf('\n[')));
    expect(listed.map((c: { name: string; status: string }) => `${c.name} ${c.status}`)).toEqual(['first-1 running']);
    expect(JSON.parse(curl)).toMatchObject({ success: true, output: expect.stringMatching(/^hello from \S+\n$/) });
    expect(py).toMatch(/^✓ Connected to computer: \S+\nhello from \S+\n\n$/);
    expect(readFileSync('/tmp/first-1-sdk.png').subarray(1, 4).toString()).toBe('PNG');
    expect(js).toBe('I wrote hello into ~/hello.txt.\n');
    expect(run).toMatch(/I wrote hello into ~\/hello\.txt\./);
    // The model was asked both tasks (the double checks each came with its key); the computer is gone.
    const asked = double.requests.map((q) => JSON.stringify(q.body.messages));
    expect(asked.filter((m) => m.includes('write hello into ~/hello.txt'))).toHaveLength(2);
    expect(double.problems).toEqual([]);
    expect(run).toMatch(/Deleted first-1/);
    expect(await t.client.listComputers()).toEqual([]);
  }, 400_000);
});
