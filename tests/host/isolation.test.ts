/**
 * What a computer can see, checked from inside it (as its user and as root through sudo): not
 * the host's data dir, keys or people, not another computer's disk or display, and a root that
 * cannot reach past its namespaces. Installing software stays inside the computer.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let a: Computer;
let b: Computer;
// A data dir under /var, which is part of every computer's base: it must still be hidden.
const dataDir = mkdtempSync('/var/lib/orgo-iso-');

const sh = async (pc: Computer, command: string, timeout?: number) => (await t.client.bash(pc.id, command, timeout));

beforeAll(async () => {
  t = await startTestHost({ dataDir });
  const ws = await t.client.createWorkspace('iso');
  [a, b] = await Promise.all([
    t.client.createComputer({ workspace_id: ws.id, name: 'alpha' }),
    t.client.createComputer({ workspace_id: ws.id, name: 'beta' }),
  ]);
  await sh(a, 'echo alpha-secret > ~/marker-alpha');
});
afterAll(async () => {
  await t?.close();
  const { rmSync } = await import('node:fs');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('from inside a computer', () => {
  it('the host data dir, its database and API key are not there, even for root', async () => {
    expect(existsSync(`${dataDir}/api-key`)).toBe(true);
    const r = await sh(b, `ls -A ${dataDir}; sudo cat ${dataDir}/api-key ${dataDir}/host.db; echo status=$?`);
    expect(r.output).toMatch(/No such file/);
    expect(r.output).not.toContain(readFileSync(`${dataDir}/api-key`, 'utf8').trim());
    expect(r.output).toContain('status=1');
  });

  it('another computer\'s files are nowhere to be found', async () => {
    const r = await sh(b, "sudo find / \\( -path /proc -o -path /sys -o -path /usr \\) -prune -o -name 'marker-*' -print 2>/dev/null; sudo grep -rs alpha-secret /home /root /tmp /run /opt /var/tmp /var/lib/orgo* ; echo done", 60);
    expect(r.output).toBe('done\n');
    expect((await sh(a, 'cat ~/marker-alpha')).output).toBe('alpha-secret\n');
  });

  it('the host\'s people, homes and password hashes are not there', async () => {
    const r = await sh(b, 'ls -A /home; sudo ls -A /root; sudo cut -d: -f2 /etc/shadow | sort -u; getent passwd | awk -F: \'$3>=1000 && $3<65534 {print $1}\'');
    expect(r.output).toBe('user\n*\nuser\n');
  });

  it('sees only its own processes', async () => {
    const r = await sh(b, 'ps -eo pid=,comm= | awk \'{print $2}\' | sort -u | tr "\\n" " "; echo; cat /proc/1/cmdline | tr "\\0" " "');
    expect(r.output).toMatch(/Xvnc/);
    expect(r.output).not.toMatch(/\bnode\b|vitest|unshare/);
    expect(r.output.split('\n')[1]).toMatch(/guest\.py/);
  });

  it('cannot open another computer\'s display, nor the RFB socket directly', async () => {
    const r = await sh(b, [
      'python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect(\'\\0/tmp/.X11-unix/X1\')" 2>&1 | tail -1',
      'python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect(\'/run/orgo/vnc.sock\')" 2>&1 | tail -1',
    ].join('; '));
    expect(r.output).toMatch(/ConnectionRefusedError/);
    expect(r.output).toMatch(/PermissionError/);
  });

  it('root inside holds a container\'s capabilities, not the host\'s', async () => {
    const r = await sh(b, 'sudo grep CapBnd /proc/self/status; sudo mount -t tmpfs none /mnt; echo mount=$?; echo 1 | sudo tee /proc/sys/kernel/sysrq; echo sysctl=$?');
    expect(r.output).toMatch(/CapBnd:\s+00000000a00405fb/);
    expect(r.output).toMatch(/mount=32/);
    expect(r.output).toMatch(/sysctl=1/);
  });

  it('installs a package with sudo apt-get inside one computer only', async () => {
    const r = await sh(a, 'sudo apt-get install -y -q --no-install-recommends sl >/tmp/apt.log 2>&1; echo apt=$?; tail -3 /tmp/apt.log; ls /usr/games/sl', 300);
    expect(r.output, r.output).toMatch(/apt=0/);
    expect(r.output).toMatch(/\/usr\/games\/sl/);
    expect(existsSync('/usr/games/sl')).toBe(false);
    expect((await sh(b, 'ls /usr/games/sl 2>&1')).output).toMatch(/No such file/);
    await t.client.stopComputer(a.id);
    await t.client.startComputer(a.id);
    expect((await sh(a, 'ls /usr/games/sl; dpkg -s sl | grep Status')).output).toBe('/usr/games/sl\nStatus: install ok installed\n');
  }, 300_000);
});
