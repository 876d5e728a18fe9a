/**
 * A computer's life on real desktops: create → running → VNC over the websocket → disk that
 * survives stop/start and host restarts → restart rotates the password → delete removes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { call, eventually, startTestHost, type TestHost } from '../helpers/host.js';
import { closeCodeOf, connectRfb } from '../helpers/rfb.js';

let t: TestHost;
let ws: string;
let pc: Computer;

const vncUrl = (c: Computer, token?: string, alias = false) =>
  c.connection_url.replace(/^http/, 'ws') + (alias ? '/websockify' : '/ws/websockify') + (token !== undefined ? `?token=${token}` : '');

beforeAll(async () => {
  t = await startTestHost();
  ws = (await t.client.createWorkspace('life')).id;
  pc = await t.client.createComputer({ workspace_id: ws, name: 'Life Test', resolution: '1024x768x24' });
});
afterAll(() => t?.close());

describe('a new computer', () => {
  it('is running, with the documented fields', async () => {
    expect(pc.status).toBe('running');
    expect(pc).toMatchObject({ name: 'Life Test', workspace_id: ws, os: 'linux', ram: 4, cpu: 1, disk_size_gb: 8, resolution: '1024x768x24' });
    expect(pc.instance_id).toMatch(/^[0-9a-f]{14}$/);
    expect(pc.fly_instance_id).toBe(pc.instance_id);
    expect(pc.connection_url).toBe(`${t.host.url}/desktops/${pc.instance_id}`);
    expect((await t.client.vncPassword(pc.id))).toBe(pc.vnc_password);
    expect((await t.client.listComputers(ws)).map((c) => c.id)).toEqual([pc.id]);
  });

  it('runs its session as `user` in /home/user, under its own hostname', async () => {
    const r = await t.client.bash(pc.id, 'whoami; pwd; hostname; echo $DISPLAY');
    expect(r.output.split('\n').slice(0, 4)).toEqual(['user', '/home/user', 'life-test', ':1']);
  });

  it('shows a desktop at its resolution through the VNC websocket', async () => {
    const s = await connectRfb(vncUrl(pc, pc.vnc_password), pc.vnc_password);
    expect([s.width, s.height]).toEqual([1024, 768]);
    expect(s.name).toBe('life-test');
    // The guest paints the wallpaper behind the display; wait for it, then read it half way
    // down (the gradient's middle colour, #1e3854), left of the pointer that sits mid-screen.
    const middle = async () => {
      const px = await s.capture();
      const i = (384 * 1024 + 400) * 4;
      return [...px.subarray(i, i + 3)].join(',');
    };
    expect(await eventually(middle, (c) => c === '30,56,84', 10_000, 'the wallpaper')).toBe('30,56,84');
    s.close();
  });

  it('serves VNC at the /websockify alias too', async () => {
    const s = await connectRfb(vncUrl(pc, pc.vnc_password, true), pc.vnc_password);
    expect(s.width).toBe(1024);
    s.close();
  });

  it('refuses VNC with a wrong token (4401) and a foreign Origin (403); without a token RFB asks for the password', async () => {
    expect((await closeCodeOf(vncUrl(pc, 'wrong-password-xx'))).code).toBe(4401);
    // No token: the host's RFB gate (tests/host/vnc-gate.test.ts) checks the VNC password instead.
    await expect(connectRfb(vncUrl(pc), 'not-the-password')).rejects.toThrow(/wrong VNC password/);
    expect((await closeCodeOf(vncUrl(pc, pc.vnc_password), { Origin: 'https://evil.example' })).httpStatus).toBe(403);
    expect((await closeCodeOf(pc.connection_url.replace(/^http/, 'ws').replace(pc.instance_id, 'nope') + '/ws/websockify?token=x')).code).toBe(4401);
  });

  it('fails VNC authentication with a wrong VNC password even past the websocket', async () => {
    await expect(connectRfb(vncUrl(pc, pc.vnc_password), 'not-the-password')).rejects.toThrow(/authentication failed/);
  });

  it('has Chromium as its browser, a terminal, a window manager and a panel with launchers', async () => {
    const r = await t.client.bash(pc.id, [
      'readlink -f "$(command -v x-www-browser)"',
      'command -v xterm',
      'pgrep -x openbox >/dev/null && echo openbox',
      'pgrep -x tint2 >/dev/null && echo tint2',
      'grep -c ^launcher_item_app /etc/orgo/tint2rc',
    ].join('; '));
    expect(r.output).toBe('/usr/bin/chromium\n/usr/bin/xterm\nopenbox\ntint2\n3\n');
    // Chromium really starts on the desktop and shows its window there. Its helper windows come
    // and go while it starts, so a lookup that races one of them is simply tried again.
    const win = await t.client.bash(pc.id, [
      'x-www-browser --no-first-run about:blank >/dev/null 2>&1 &',
      'for i in $(seq 200); do',
      '  name=$(xdotool search --onlyvisible --class chromium getwindowname %@ 2>/dev/null | grep -m1 -E "about:blank|Chromium")',
      '  [ -n "$name" ] && { echo "$name"; break; }',
      '  sleep 0.1',
      'done',
    ].join('\n'), 40);
    expect(win.output).toMatch(/about:blank|Chromium/);
    // Leave the desktop as it was for the tests after this one.
    await t.client.bash(pc.id, 'pkill -f chromium; for i in $(seq 50); do pgrep -f chromium >/dev/null || break; sleep 0.1; done; pkill -9 -f chromium; true', 15);
  });
});

describe('lifecycle', () => {
  it('start on a running computer and stop on a stopped one answer the current state', async () => {
    expect((await t.client.startComputer(pc.id)).status).toBe('running');
    const stopped = await t.client.stopComputer(pc.id);
    expect(stopped.status).toBe('stopped');
    expect((await t.client.stopComputer(pc.id)).status).toBe('stopped');
    const r = await call(t, 'POST', `/computers/${pc.id}/bash`, { command: 'true' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('Desktop instance not available');
    expect((await closeCodeOf(vncUrl(pc, pc.vnc_password))).code).toBe(4409);
    expect((await t.client.startComputer(pc.id)).status).toBe('running');
  });

  it('keeps files in /home/user and installed system files across stop/start and a host restart', async () => {
    await t.client.bash(pc.id, 'echo kept > ~/note.txt && sudo sh -c "echo system > /etc/orgo-note"');
    await t.client.stopComputer(pc.id);
    await t.client.startComputer(pc.id);
    expect((await t.client.bash(pc.id, 'cat ~/note.txt /etc/orgo-note')).output).toBe('kept\nsystem\n');
    await t.restart();
    const back = await eventually(() => t.client.getComputer(pc.id), (c) => c.status === 'running', 20_000, 'computer back after host restart');
    expect(back.vnc_password).toBe(pc.vnc_password);
    expect((await t.client.bash(pc.id, 'cat ~/note.txt')).output).toBe('kept\n');
    // The host's own /etc was never touched.
    expect(existsSync('/etc/orgo-note')).toBe(false);
  });

  it('rotates the VNC password on restart', async () => {
    const before = (await t.client.getComputer(pc.id)).vnc_password;
    const after = await t.client.restartComputer(pc.id);
    expect(after.status).toBe('running');
    expect(after.vnc_password).not.toBe(before);
    expect((await closeCodeOf(vncUrl(after, before))).code).toBe(4401);
    const s = await connectRfb(vncUrl(after, after.vnc_password), after.vnc_password);
    s.close();
    expect((await t.client.bash(pc.id, 'cat ~/note.txt')).output).toBe('kept\n');
  });

  it('serialises concurrent lifecycle calls in arrival order', async () => {
    const [a, b, c] = await Promise.all([t.client.stopComputer(pc.id), t.client.startComputer(pc.id), t.client.stopComputer(pc.id)]);
    expect([a.status, b.status, c.status]).toEqual(['stopped', 'running', 'stopped']);
    expect((await t.client.startComputer(pc.id)).status).toBe('running');
  });

  it('refuses to delete a workspace with computers unless forced', async () => {
    const r = await call(t, 'DELETE', `/workspaces/${ws}`);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatch(/force=true/);
  });

  it('delete removes the computer and its disk', async () => {
    const disk = t.host.computers.paths(await t.client.getComputer(pc.id)).disk;
    expect(existsSync(`${disk}/home/note.txt`)).toBe(true);
    expect(readFileSync(`${disk}/home/note.txt`, 'utf8')).toBe('kept\n');
    await t.client.deleteComputer(pc.id);
    expect(existsSync(disk)).toBe(false);
    expect((await call(t, 'GET', `/computers/${pc.id}`)).status).toBe(404);
  });

  it('force-deletes a workspace with its computers', async () => {
    const other = await t.client.createComputer({ workspace_id: ws, name: 'doomed' });
    const disk = t.host.computers.paths(other).disk;
    expect((await call(t, 'DELETE', `/workspaces/${ws}?force=true`)).status).toBe(200);
    expect(existsSync(disk)).toBe(false);
    expect((await call(t, 'GET', `/computers/${other.id}`)).status).toBe(404);
  });
});
