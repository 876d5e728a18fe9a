/**
 * The migration playbook's offline steps (docs/migrate-agents.md), run as the page writes them:
 * a stand-in ~/.hermes with every sub-folder the page lists is packed on a stand-in "VPS" (a home
 * of its own here), uploaded with the CLI, unpacked in a real computer, owned by the desktop
 * user and intact byte for byte; a stand-in gateway installed as a `systemctl --user` service
 * the page's way runs, is restarted when it dies, and runs again after the computer restarts.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_KEY, eventually, startTestHost, type TestHost } from '../helpers/host.js';
import { ORGO, ROOT, buildCli, cliHome, orgo, type CliHome } from '../helpers/orgo-cli.js';

let t: TestHost;
let vps: CliHome;
let env: NodeJS.ProcessEnv;

/** The shell block that follows `<!-- tested: NAME -->` in the playbook. */
function block(name: string): string {
  const doc = readFileSync(join(ROOT, 'docs/migrate-agents.md'), 'utf8');
  const m = new RegExp(`<!-- tested: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(doc);
  if (!m) throw new Error(`no block "${name}" in the playbook`);
  return m[1]!;
}

/**
 * Runs a block with bash in the VPS's home, `orgo` on the PATH as a user would have it. stdin
 * is not a socket: Debian's bash would take that for rshd and read /etc/bash.bashrc.
 */
function sh(script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: vps.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.once('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const inComputer = async (command: string) => {
  const r = await orgo(['bash', 'hermes', '--', command], env);
  expect(r.code, `${command}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
};

beforeAll(async () => {
  buildCli();
  t = await startTestHost();
  vps = cliHome();
  const bin = join(vps.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'orgo'), `#!/bin/sh\nexec "${process.execPath}" "${ORGO}" "$@"\n`, { mode: 0o755 });
  env = { ...vps.env, PATH: `${bin}:${process.env.PATH}`, ORGO_API_BASE_URL: t.api, ORGO_API_KEY: TEST_KEY };
  await t.client.createWorkspace('agents');
  const r = await orgo(['computers', 'create', '--name', 'hermes', '--ram', '8', '--cpu', '4', '--disk', '20'], env);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  vps?.close();
  await t?.close();
});

describe('the migration playbook', () => {
  it('moves a state folder with every listed part onto the computer, owned by the desktop user, byte for byte', async () => {
    // The stand-in: every file and folder the page's table lists for Hermes Agent, and the
    // awkward cases (a large binary, spaces, an empty folder, a symlink, a 0600 secret).
    const h = join(vps.dir, '.hermes');
    for (const d of ['memories', 'skills/demo', 'cron', 'sessions', 'logs', 'empty']) mkdirSync(join(h, d), { recursive: true });
    writeFileSync(join(h, 'config.yaml'), 'model: claude-sonnet-4-6\nterminal:\n  backend: local\n');
    writeFileSync(join(h, '.env'), 'ANTHROPIC_API_KEY=sk-ant-standin\n', { mode: 0o600 });
    writeFileSync(join(h, 'auth.json'), '{"portal":"token"}\n', { mode: 0o600 });
    writeFileSync(join(h, 'SOUL.md'), '# Soul\n');
    writeFileSync(join(h, 'memories/MEMORY.md'), 'remember ü\n');
    writeFileSync(join(h, 'memories/USER.md'), 'user notes\n');
    writeFileSync(join(h, 'skills/demo/SKILL.md'), '---\nname: demo\n---\n');
    writeFileSync(join(h, 'cron/jobs.json'), '[]\n');
    writeFileSync(join(h, 'sessions/telegram 42.json'), randomBytes(3 << 20));
    writeFileSync(join(h, 'logs/gateway.log'), 'started\n');
    symlinkSync('memories/MEMORY.md', join(h, 'MEMORY.link'));
    chmodSync(join(h, '.env'), 0o600);

    const packed = await sh(block('pack'));
    expect(packed.code, packed.out).toBe(0);
    expect(packed.out).toMatch(/^[0-9a-f]{64} {2}.*agent-state\.tgz$/m);
    const up = await sh(block('upload'));
    expect(up.code, up.out).toBe(0);
    expect(up.out).toMatch(/Uploaded agent-state\.tgz .* to hermes:\/home\/user\/Desktop\/agent-state\.tgz/);
    const unpacked = await sh(block('unpack'));
    expect(unpacked).toEqual({ code: 0, out: '' });

    const manifest = "cd ~ && find .hermes -type f -print0 | sort -z | xargs -0 sha256sum && find .hermes -type d | sort && readlink .hermes/MEMORY.link && stat -c '%a %n' .hermes/.env";
    const here = await sh(manifest);
    expect(await inComputer(manifest)).toBe(here.out);
    expect(here.out).toContain('.hermes/empty\n');
    expect(await inComputer("find ~/.hermes ! -user user | wc -l; stat -c '%U:%G' ~/.hermes ~/.hermes/sessions; ls ~/Desktop")).toBe('0\nuser:user\nuser:user\n');
  });

  it('runs a gateway installed as a user service the page\'s way, restarts it when it dies, and after a computer restart', async () => {
    await inComputer(`mkdir -p ~/.local/bin && printf '%s\\n' '#!/bin/sh' 'echo "gateway up as $(id -un)"' 'while :; do date +%s%N > ~/.gateway-heartbeat; sleep 0.5; done' > ~/.local/bin/my-gateway && chmod +x ~/.local/bin/my-gateway`);
    const installed = await sh(block('service'));
    expect(installed.code, installed.out).toBe(0);
    expect(installed.out).toMatch(/Created symlink .*default\.target\.wants\/agent-gateway\.service/);
    const beat = () => inComputer('cat ~/.gateway-heartbeat 2>/dev/null || echo 0').then(Number);
    const alive = async () => {
      const first = await beat();
      await eventually(beat, (b) => b > first, 10_000, 'the gateway to write its heartbeat');
    };
    expect(await inComputer('systemctl --user is-active agent-gateway; systemctl --user is-enabled agent-gateway')).toBe('active\nenabled\n');
    await alive();

    // It dies: Restart=always brings it back with a new process.
    const pid = (await inComputer('systemctl --user show agent-gateway -p MainPID --value')).trim();
    await inComputer(`kill -9 ${pid}`);
    await eventually(
      () => inComputer('systemctl --user show agent-gateway -p MainPID -p NRestarts -p ActiveState'),
      (s) => /ActiveState=active/.test(s) && /NRestarts=1/.test(s) && !s.includes(`MainPID=${pid}\n`),
      15_000,
      'the gateway to be restarted',
    );
    await alive();

    // The computer restarts: the service starts with it, nobody logs in.
    expect((await orgo(['computers', 'restart', 'hermes'], env)).code).toBe(0);
    await eventually(() => orgo(['bash', 'hermes', '--', 'systemctl --user is-active agent-gateway'], env).then((r) => r.stdout), (s) => s === 'active\n', 20_000, 'the gateway after the restart');
    await alive();
    expect(await inComputer('journalctl --user -u agent-gateway -n 50 | grep -c "gateway up as user"')).toMatch(/^[3-9]\n$/);
  });
});
