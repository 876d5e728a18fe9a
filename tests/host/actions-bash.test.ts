/** bash and exec inside a computer: output, exit codes, the user and place they run as, timeouts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_OPS } from '../../host/runtime/guest-ops.js';
import type { Computer } from '../../shared/api/types.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let pc: Computer;

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('bash');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'bash' });
});
afterAll(() => t?.close());

describe('the guest', () => {
  it('serves the operations the host\'s op map names (guest/PROTOCOL.md)', async () => {
    const a = await t.host.computers.guest(pc.id, 'ops', {}, 5000);
    expect(a.ok && [...a.ops].sort()).toEqual([...GUEST_OPS].sort());
  });

  it('serves requests side by side: slow ones hold up no other (guest/workers.py)', async () => {
    const started = performance.now();
    const slow = [1, 2, 3].map(() => t.host.computers.guest(pc.id, 'bash', { command: 'sleep 1; echo slept', timeout: 10 }, 10_000));
    const quick = await t.host.computers.guest(pc.id, 'bash', { command: 'echo quick', timeout: 10 }, 10_000);
    expect(quick.ok && quick.output).toBe('quick\n');
    expect(performance.now() - started).toBeLessThan(900);
    for (const a of await Promise.all(slow)) expect(a.ok && a.output).toBe('slept\n');
    expect(performance.now() - started).toBeLessThan(1900);
  });

  it('answers an unknown operation with an error, and keeps serving', async () => {
    const a = await t.host.computers.guest(pc.id, 'no_such_op' as 'ops', {}, 5000);
    expect(a).toEqual({ ok: false, error: "unknown op 'no_such_op'" });
    expect((await t.client.bash(pc.id, 'echo still')).output).toBe('still\n');
  });
});

describe('bash', () => {
  it('answers stdout and stderr together with the exit code', async () => {
    const r = await t.client.bash(pc.id, 'echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ success: true, exit_code: 3, timed_out: false });
    expect(r.output).toBe('out\nerr\n');
  });

  it('runs a login shell as the user, in /home/user, on the display', async () => {
    const r = await t.client.bash(pc.id, 'shopt -q login_shell && echo login; whoami; pwd; echo $DISPLAY; xdotool getdisplaygeometry');
    expect(r.output).toBe('login\nuser\n/home/user\n:1\n1280 720\n');
  });

  it('starts the command clean: the user\'s ids and groups only, nothing of the guest\'s open but its own output, signals at their defaults', async () => {
    // The guest (root, pid 1) starts it from a thread that is the user (guest/user_spawn.py).
    const r = await t.client.bash(pc.id, 'id -u; id -g; id -Gn | tr " " "\\n" | sort | tr "\\n" " "; echo; ls /proc/$$/fd > /tmp/fds; echo $(sort -n /tmp/fds); grep -E "^(Uid|SigIgn|SigBlk):" /proc/self/status; grep "^Uid:" /proc/1/status | tr "\t" " "');
    const [uid, gid, groups, fds, ...status] = r.output.trim().split('\n');
    expect([uid, gid]).toEqual(['1000', '1000']);
    expect(groups!.trim().split(' ')).toEqual(expect.arrayContaining(['user', 'audio', 'video']));
    // bash's own descriptors only: stdin, stdout, stderr (and 255, bash's script fd, if any). Listed into a
    // file: an `ls` in a pipeline races bash setting up the pipeline's next pipes (3, 4, 5 at times).
    expect(fds!.trim().split(' ').filter((n) => n !== '255')).toEqual(['0', '1', '2']);
    expect(status).toContain('Uid:\t1000\t1000\t1000\t1000');
    const sigIgn = BigInt(`0x${status.find((l) => l.startsWith('SigIgn:'))!.split('\t')[1]}`);
    expect(sigIgn & (1n << 12n)).toBe(0n); // SIGPIPE (13) is not ignored in what bash starts: `yes | head` ends
    expect(status).toContain('SigBlk:\t0000000000000000');
    // The guest itself (pid 1's main thread) is still root.
    expect(status).toContain('Uid: 0 0 0 0');
  });

  it('sees a change to the login profile at the very next call', async () => {
    expect((await t.client.bash(pc.id, 'echo "[$ORGO_PROFILE_MARK]"')).output).toBe('[]\n');
    await t.client.bash(pc.id, 'echo "export ORGO_PROFILE_MARK=set; export PATH=\\$HOME/bin:\\$PATH" >> ~/.profile');
    expect((await t.client.bash(pc.id, 'echo "[$ORGO_PROFILE_MARK]"; echo $PATH | cut -d: -f1')).output).toBe('[set]\n/home/user/bin\n');
    await t.client.bash(pc.id, 'sed -i "/ORGO_PROFILE_MARK/d" ~/.profile');
    expect((await t.client.bash(pc.id, 'echo "[$ORGO_PROFILE_MARK]"')).output).toBe('[]\n');
  });

  it('answers when the shell ends, though a background job still holds its output open', async () => {
    const started = performance.now();
    const r = await t.client.bash(pc.id, 'sleep 3 & echo started; exit 5');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(r).toMatchObject({ exit_code: 5, timed_out: false, output: 'started\n' });
    // The job was left running, and what it writes later goes nowhere (it is not killed by a closed pipe).
    const job = await t.client.bash(pc.id, '(sleep 0.5; echo late; echo wrote > /tmp/late-job) & echo ok');
    expect(job.output).toBe('ok\n');
    await new Promise((res) => setTimeout(res, 1000));
    expect((await t.client.bash(pc.id, 'pgrep -x sleep >/dev/null && echo alive; cat /tmp/late-job; pkill -x sleep')).output).toBe('alive\nwrote\n');
  });

  it('kills the whole process group on timeout and says so', async () => {
    const started = performance.now();
    const r = await t.client.bash(pc.id, 'sleep 100 & echo started; sleep 100', 1);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.timed_out).toBe(true);
    expect(r.output).toMatch(/^started\n/);
    expect(r.output).toMatch(/timed out after 1 s; the command's processes were killed/);
    expect((await t.client.bash(pc.id, 'pgrep -x sleep || echo none')).output).toBe('none\n');
  });
});

describe('exec', () => {
  it('runs Python and answers its output', async () => {
    const r = await t.client.exec(pc.id, 'import os, sys\nprint(sys.version_info[0], os.getcwd())');
    expect(r).toMatchObject({ success: true, output: '3 /home/user\n', exit_code: 0, error: null });
  });

  it('answers the error text of a failure', async () => {
    const r = await t.client.exec(pc.id, 'print("before")\n1/0');
    expect(r.success).toBe(false);
    expect(r.exit_code).toBe(1);
    expect(r.output).toMatch(/before\n/);
    expect(r.output).toMatch(/Traceback \(most recent call last\)/);
    expect(r.error).toBe('ZeroDivisionError: division by zero');
    const syntax = await t.client.exec(pc.id, 'def broken(:\n  pass');
    expect(syntax).toMatchObject({ success: false, exit_code: 1 });
    expect(syntax.error).toMatch(/^SyntaxError: /);
  });

  it('stops at its timeout', async () => {
    const r = await t.client.exec(pc.id, 'import time\ntime.sleep(30)', 1);
    expect(r).toMatchObject({ success: false, timed_out: true, error: 'timed out after 1 s' });
  });
});
