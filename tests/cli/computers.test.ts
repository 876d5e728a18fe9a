/**
 * `orgo` on real desktops, in a real terminal where a person would use one: computers created
 * by answering the prompts and by flags, listed as JSON, a shell over ssh (a round trip, a
 * resize, `~.`, single and double Ctrl+C), a screenshot of the computer's size, bash exit codes,
 * an upload with its progress bar landing on the desktop byte for byte, completion of computer
 * names, and colour only on a terminal.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CPU_COUNTS, RAM_GB } from '../../shared/api/specs.js';
import type { Computer } from '../../shared/api/types.js';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { decodePng } from '../helpers/png.js';
import { buildCli, cliHome, orgo, orgoPty, plain, type CliHome } from '../helpers/orgo-cli.js';

let t: TestHost;
let h: CliHome;
let env: NodeJS.ProcessEnv;
let pc: Computer;

const json = async <T = unknown>(args: string[]): Promise<T> => {
  const r = await orgo([...args, '--json'], env);
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return JSON.parse(r.stdout) as T;
};

beforeAll(async () => {
  buildCli();
  t = await startTestHost();
  h = cliHome();
  env = { ...h.env, ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY };
  await t.client.createWorkspace('lab');
  await t.client.createWorkspace('prod');
  pc = await json<Computer>(['computers', 'create', '--workspace', 'lab', '--name', 'flags-1', '--ram', '8', '--cpu', '2', '--resolution', '1024x768x24']);
});
afterAll(async () => {
  h?.close();
  await t?.close();
});

describe('computers', () => {
  it('creates one by flags, answering JSON of a running computer with what was asked', async () => {
    expect(pc).toMatchObject({ name: 'flags-1', status: 'running', ram: 8, cpu: 2, resolution: '1024x768x24' });
    const list = await json<Computer[]>(['computers', 'list']);
    expect(list.map((c) => c.name)).toContain('flags-1');
    const piped = await orgo(['c', 'ls'], env);
    expect(piped.stdout).toMatch(/^flags-1\trunning\tlab\t2\t8 GB\t1024x768\t/m);
    expect(piped.stdout).not.toContain('\x1b[');
  });

  it('asks for the workspace, name, RAM and CPU on a terminal', async () => {
    const term = orgoPty(['computers', 'create'], env);
    await term.until(/Workspace \(lab\/prod\) \[lab\]: $/);
    term.write('prod\r');
    await term.until(/Name: $/);
    term.write('asked-1\r');
    await term.until(new RegExp(`RAM in GB \\(${RAM_GB.join('/')}\\) \\[4\\]: $`));
    term.write('16\r');
    await term.until(new RegExp(`CPU cores \\(${CPU_COUNTS.join('/')}\\) \\[2\\]: $`));
    term.write('3\r');
    await term.until(new RegExp(`one of: ${CPU_COUNTS.join(', ')}`));
    term.write('4\r');
    expect(await term.exited).toBe(0);
    expect(plain(term.output())).toMatch(/Created asked-1 .*running/);
    const got = await json<Computer>(['computers', 'get', 'asked-1']);
    const prod = (await t.client.listWorkspaces()).find((w) => w.name === 'prod')!;
    expect(got).toMatchObject({ workspace_id: prod.id, ram: 16, cpu: 4, status: 'running' });
    // Colour on a terminal, none with ORGO_NO_COLOR.
    const coloured = orgoPty(['computers', 'list'], env);
    expect(await coloured.exited).toBe(0);
    expect(coloured.output()).toContain('\x1b[32mrunning\x1b[39m');
    const uncoloured = orgoPty(['computers', 'list'], { ...env, ORGO_NO_COLOR: '1' });
    expect(await uncoloured.exited).toBe(0);
    expect(uncoloured.output()).toMatch(/NAME +STATUS/);
    expect(uncoloured.output()).not.toMatch(new RegExp(String.raw`\x1b\[\d+m`));
    expect((await orgo(['computers', 'delete', 'asked-1', '--yes'], env)).code).toBe(0);
  });
});

describe('ssh', () => {
  it('gives a shell: a round trip, the size following the window, Ctrl+C to the computer, ~. to leave', async () => {
    const term = orgoPty(['ssh', 'flags-1', '--cwd', 'Desktop'], env, { cols: 90, rows: 20 });
    await term.until(/user@flags-1:~\/Desktop\$ $/);
    expect(plain(term.output())).toMatch(/Connected to flags-1\. To leave: ~\. at the start of a line, or Ctrl\+C twice quickly\./);
    let from = term.output().length;
    term.write('echo $((6*7)); stty size\r');
    await term.until(/\n42\n20 90\n/, 10_000, from);
    term.pty.resize(132, 40);
    await new Promise((r) => setTimeout(r, 300));
    from = term.output().length;
    term.write('stty size\r');
    await term.until(/\n40 132\n/, 10_000, from);
    // One Ctrl+C interrupts the program in the computer; the connection stays.
    from = term.output().length;
    term.write('sleep 30\r');
    await new Promise((r) => setTimeout(r, 500));
    term.write('\x03');
    await term.until(/\^C\n.*\$ $/, 5000, from);
    from = term.output().length;
    term.write('echo still-$((1+1))\r');
    await term.until(/still-2/, 5000, from);
    term.write('~.');
    expect(await term.exited).toBe(0);
    expect(plain(term.output())).toMatch(/Disconnected from flags-1\./);
  });

  it('leaves on Ctrl+C twice in quick succession, and sends a ~ that is not at a line start', async () => {
    const term = orgoPty(['ssh', 'flags-1'], env);
    await term.until(/\$ $/);
    const from = term.output().length;
    term.write('echo a~.b\r');
    await term.until(/\na~\.b\n/, 5000, from);
    term.write('\x03\x03');
    expect(await term.exited).toBe(0);
    expect(plain(term.output())).toMatch(/Disconnected from flags-1\./);
  });
});

describe('screenshot, bash, files', () => {
  it('saves a PNG of the computer\'s size', async () => {
    const file = join(h.dir, 'shot.png');
    const r = await json<{ path: string; width: number; height: number }>(['screenshot', 'flags-1', '-o', file]);
    expect(r).toMatchObject({ path: file, width: 1024, height: 768 });
    expect(decodePng(readFileSync(file))).toMatchObject({ width: 1024, height: 768 });
  });

  it('runs a command and exits with its exit code', async () => {
    const ok = await orgo(['bash', 'flags-1', '--', 'echo hello from $(hostname)'], env);
    expect(ok).toMatchObject({ code: 0, stdout: 'hello from flags-1\n' });
    const three = await orgo(['bash', 'flags-1', '--', 'echo out; exit 3'], env);
    expect(three).toMatchObject({ code: 3, stdout: 'out\n' });
    const five = await orgo(['bash', 'flags-1', '--json', '--', 'echo five; exit 5'], env);
    expect(five.code).toBe(5);
    expect(JSON.parse(five.stdout)).toMatchObject({ exit_code: 5, output: 'five\n' });
    // After `--` everything is the command, flags included.
    expect((await orgo(['bash', 'flags-1', '--', 'echo', '--json'], env)).stdout).toBe('--json\n');
  });

  it('uploads with a progress bar on the terminal, onto the desktop, byte for byte', async () => {
    const file = join(h.dir, 'payload.bin');
    const bytes = randomBytes(24 * 1024 * 1024);
    writeFileSync(file, bytes);
    const term = orgoPty(['files', 'upload', file, '--computer', 'flags-1'], env);
    expect(await term.exited).toBe(0);
    expect(plain(term.output())).toMatch(/Uploading payload\.bin \[[█░]+\] +\d+%/);
    expect(plain(term.output())).toMatch(/Uploaded payload\.bin \(24 MB\) to flags-1:\/home\/user\/Desktop\/payload\.bin/);
    const sum = await orgo(['bash', 'flags-1', '--', 'sha256sum ~/Desktop/payload.bin; stat -c %U ~/Desktop/payload.bin'], env);
    expect(sum.stdout).toBe(`${createHash('sha256').update(bytes).digest('hex')}  /home/user/Desktop/payload.bin\nuser\n`);
    const files = await json<Array<{ name: string; desktop_path: string }>>(['files', 'list', '--computer', 'flags-1']);
    expect(files).toContainEqual(expect.objectContaining({ name: 'payload.bin', desktop_path: '/home/user/Desktop/payload.bin' }));
    const back = join(h.dir, 'back.bin');
    const exp = await json<{ bytes: number }>(['files', 'export', 'flags-1', 'Desktop/payload.bin', '-o', back]);
    expect(exp.bytes).toBe(bytes.length);
    expect(readFileSync(back).equals(bytes)).toBe(true);
  });
});

describe('every command answers JSON with --json', () => {
  it('parses for each read command, and ORGO_JSON=1 does the same', async () => {
    for (const args of [[], ['whoami'], ['ws', 'list'], ['c', 'list'], ['c', 'get', 'flags-1'], ['files', 'list'], ['api-keys', 'list'], ['sessions']]) {
      const r = await orgo([...args, '--json'], env);
      expect(r.code, args.join(' ')).toBe(0);
      expect(() => JSON.parse(r.stdout), args.join(' ')).not.toThrow();
    }
    const viaEnv = await orgo(['ws', 'list'], { ...env, ORGO_JSON: '1' });
    expect(JSON.parse(viaEnv.stdout).map((w: { name: string }) => w.name)).toEqual(expect.arrayContaining(['lab', 'prod']));
    const key = await json<{ key: string; name: string }>(['api-keys', 'create', '--name', 'ci', '--workspace', 'lab']);
    expect(key.key).toMatch(/^sk_live_/);
    expect(await json(['api-keys', 'delete', 'ci', '--yes'])).toMatchObject({ deleted: expect.any(String) });
  });

  it('completes commands and computer names', async () => {
    expect((await orgo(['__complete', 'comp'], env)).stdout.split('\n')).toEqual(expect.arrayContaining(['computers', 'completion']));
    expect((await orgo(['__complete', 'ssh', 'fl'], env)).stdout).toBe('flags-1\n');
    expect((await orgo(['__complete', 'run', 'x', '--computer', ''], env)).stdout).toContain('flags-1\n');
    expect((await orgo(['__complete', 'c', 'create', '--r'], env)).stdout.split('\n')).toEqual(expect.arrayContaining(['--ram', '--resolution']));
    const script = (await orgo(['completion', 'bash'], env)).stdout;
    expect(script).toContain('complete -o default -F _orgo orgo');
  });
});
