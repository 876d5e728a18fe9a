/**
 * The terminal websocket on a real desktop: a pty with the user's login shell inside the
 * computer, Orgo's JSON messages, several at once, UTF-8 intact however the bytes are split.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { openChannel, type ChannelClient } from '../helpers/channels.js';
import { eventually, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let pc: Computer;
const open: ChannelClient[] = [];

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('terminal');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'Term' });
});
afterAll(async () => {
  for (const c of open) c.close();
  await t?.close();
});

async function terminal(params: Record<string, number> = {}): Promise<ChannelClient> {
  const term = openChannel(pc, 'terminal', params);
  open.push(term);
  await term.opened;
  await term.until(() => /\$ $/.test(term.output().trimEnd() + ' '), 10_000, 'shell prompt');
  return term;
}

/** Types a command and waits for `expect` in what follows it (not in the echoed command line). */
async function run(term: ChannelClient, command: string, expected: RegExp): Promise<string> {
  const from = term.output().length;
  term.send({ type: 'input', data: `${command}\r` });
  return term.until(() => {
    const after = term.output().slice(from);
    const m = expected.exec(after);
    return m ? after : undefined;
  }, 15_000, `output matching ${expected}`);
}

describe('terminal websocket', () => {
  it('runs the user’s login shell in /home/user on a pty, and echoes a round trip', async () => {
    const term = await terminal();
    const out = await run(term, 'echo "A$((6*7))B"; whoami; pwd; tty; shopt -q login_shell && echo "login $SHELL $TERM"; echo "Z$((0))Z"', /Z0Z\r\n/);
    const lines = out.split('\r\n');
    const at = lines.findIndex((l) => l.endsWith('A42B'));
    expect(lines.slice(at + 1, at + 5)).toEqual(['user', '/home/user', expect.stringMatching(/^\/dev\/pts\/\d+$/), 'login /bin/bash xterm-256color']);
  });

  it('takes the size from the query, and `resize` changes `stty size`', async () => {
    const term = await terminal({ cols: 100, rows: 30 });
    expect(await run(term, 'echo "S $(stty size) E"', /S 30 100 E/)).toMatch(/S 30 100 E/);
    term.send({ type: 'resize', cols: 132, rows: 43 });
    expect(await run(term, 'echo "S $(stty size) E"', /S 43 132 E/)).toMatch(/S 43 132 E/);
  });

  it('delivers Ctrl-C to the foreground job (the pty is the shell’s controlling terminal)', async () => {
    const term = await terminal();
    term.send({ type: 'input', data: 'sleep 30\r' });
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    await run(term, '\x03', /\$ $/);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await run(term, 'echo "R$?R"', /R\d+R/)).toMatch(/R130R/);
  });

  it('answers `exit` with the exit message and code, then closes normally', async () => {
    const term = await terminal();
    term.send({ type: 'input', data: 'exit 7\r' });
    const exit = await term.until(() => term.messages('exit')[0], 10_000, 'exit message');
    expect(exit).toEqual({ type: 'exit', code: 7 });
    expect((await term.closed).code).toBe(1000);
  });

  it('keeps UTF-8 intact when a character’s bytes arrive one by one', async () => {
    await t.client.bash(pc.id, `cat > ~/bytes.py <<'EOF'
import os, time
for b in "«€😀日本»".encode():
    os.write(1, bytes([b]))
    time.sleep(0.01)
os.write(1, b"\\n")
EOF`);
    const term = await terminal();
    const out = await run(term, 'python3 ~/bytes.py', /«.*»/);
    expect(out).toContain('«€😀日本»');
    expect(out).not.toContain('\uFFFD');
    // The bytes were really split: more than one output message carried the line.
    const parts = term.messages('output').filter((m) => /[«€😀日本»]/u.test(String(m.data)));
    expect(parts.length).toBeGreaterThan(1);
  });

  it('carries 200 KB of mixed-width text exactly, across many chunks', async () => {
    await t.client.bash(pc.id, `cat > ~/big.py <<'EOF'
import sys
sys.stdout.write("".join(f"{i:05d} ä€😀日本 ok\\n" for i in range(8000)) + "END-OF-BIG\\n")
EOF`);
    const expected = Array.from({ length: 8000 }, (_, i) => `${String(i).padStart(5, '0')} ä€😀日本 ok\n`).join('') + 'END-OF-BIG\n';
    const term = await terminal();
    const out = await run(term, 'python3 ~/big.py', /END-OF-BIG\r\n/);
    expect(out.replace(/\r\n/g, '\n')).toContain(expected);
    expect(term.messages('output').length).toBeGreaterThan(3);
  });

  it('holds the shell while the client stops reading, and loses nothing when it reads again', async () => {
    const term = await terminal();
    await t.client.bash(pc.id, 'rm -f /tmp/flow-done');
    term.ws.pause();
    // 24 MB of output: far more than the host queues (8 MB) plus the sockets' buffers.
    term.send({ type: 'input', data: 'head -c 18000000 /dev/zero | base64 -w 100; echo done > /tmp/flow-done; echo END-$((40+2))-FLOW\r' });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await t.client.bash(pc.id, 'test -e /tmp/flow-done && echo finished || echo held')).output).toBe('held\n');
    term.ws.resume();
    const tail = () => term.messages('output').slice(-3).map((m) => String(m.data)).join('');
    // The marker as printed, not as echoed with the command line.
    await term.until(() => /END-42-FLOW\r\n/.test(tail()), 60_000, 'the end of the output');
    expect(term.output().split('A').length - 1).toBe(24_000_000);
  }, 90_000);

  it('runs several terminals at once, each with its own shell', async () => {
    const terms = await Promise.all([terminal(), terminal(), terminal()]);
    const pids = await Promise.all(terms.map(async (term) => /P(\d+)P/.exec(await run(term, 'echo "P$$P"', /P\d+P/))![1]));
    expect(new Set(pids).size).toBe(3);
    // Input reaches only its own terminal.
    await run(terms[0]!, 'echo "ONLY$((1+1))"', /ONLY2/);
    expect(terms[1]!.output()).not.toContain('ONLY2');
    expect(terms[2]!.output()).not.toContain('ONLY2');
  });

  it('hangs up the shell when the websocket closes', async () => {
    const term = await terminal();
    const pid = /P(\d+)P/.exec(await run(term, 'echo "P$$P"', /P\d+P/))![1];
    term.close();
    await term.closed;
    await eventually(async () => (await t.client.bash(pc.id, `kill -0 ${pid} 2>/dev/null && echo alive || echo gone`)).output.trim(), (s) => s === 'gone', 10_000, 'shell gone');
  });

  it('answers ping with pong, and a bad message with an error (the terminal stays open)', async () => {
    const term = await terminal();
    term.send({ type: 'ping' });
    await term.until(() => term.messages('pong')[0], 5000, 'pong');
    term.send('not json');
    term.send({ type: 'resize', cols: 0, rows: 10 });
    term.send({ type: 'launch' });
    const errors = await term.until(() => (term.messages('error').length >= 3 ? term.messages('error') : undefined), 5000, 'three errors');
    expect(errors.map((e) => e.message)).toEqual(['messages must be JSON objects', expect.stringMatching(/cols/), expect.stringMatching(/type|input/i)]);
    expect(await run(term, 'echo "O$((2+2))K"', /O4K/)).toMatch(/O4K/);
  });

  it('refuses a bad size in the query with an error and close code 4400', async () => {
    const term = openChannel(pc, 'terminal', { cols: 'wide' as unknown as number });
    const closed = await term.closed;
    expect(closed.code).toBe(4400);
    expect(term.messages('error')[0]?.message).toMatch(/cols/);
  });
});
