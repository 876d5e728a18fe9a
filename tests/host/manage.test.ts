/**
 * Resize's answers field by field, move with scoped keys, and clone of a running computer on
 * real desktops: files, an installed package and a browser cookie are in the clone, the source
 * is unchanged, and writes to one never show in the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer, Workspace } from '../../shared/api/types.js';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let w1: Workspace;
let w2: Workspace;
let pc: Computer;

const sh = async (c: { id: string }, command: string, timeout = 60) => (await t.client.bash(c.id, command, timeout)).output;

beforeAll(async () => {
  t = await startTestHost();
  [w1, w2] = await Promise.all([t.client.createWorkspace('one'), t.client.createWorkspace('two')]);
  pc = await t.client.createComputer({ workspace_id: w1.id, name: 'source', ram: 2 });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('resize', () => {
  it('refuses a shrink, an invalid value, an empty body and unknown fields with 400', async () => {
    for (const body of [{ disk_size_gb: 4 }, { vcpus: 3 }, { mem_gb: 5 }, {}, { bandwidth_limit_mbps: -1 }, { gpu: 1 }, 'x']) {
      const r = await call(t, 'PATCH', `/computers/${pc.id}/resize`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(typeof r.body.error).toBe('string');
    }
    expect((await call(t, 'PATCH', `/computers/${pc.id}/resize`, { disk_size_gb: 4 })).body.error).toMatch(/only grow/);
    expect((await call(t, 'PATCH', '/computers/nope/resize', { vcpus: 2 })).status).toBe(404);
  });

  it('answers 207 with a result per field when some apply, and 422 when none can', async () => {
    // Hold 1.5 GB inside, then ask for 1 GB: the kernel cannot take it back, so mem_gb fails.
    expect(await sh(pc, "rm -f /tmp/held; setsid nohup python3 -c \"import time; a = b'x' * (1500 << 20); open('/tmp/held', 'w').write('y'); time.sleep(60)\" >/dev/null 2>&1 & for i in $(seq 300); do [ -e /tmp/held ] && break; sleep 0.1; done; ls /tmp/held")).toBe('/tmp/held\n');
    const some = await call(t, 'PATCH', `/computers/${pc.id}/resize`, { vcpus: 2, mem_gb: 1, auto_stop_minutes: 30 });
    expect(some.status).toBe(207);
    expect(some.body).toMatchObject({
      success: false,
      vcpus: 2,
      mem_gb: 2,
      auto_stop_minutes: 30,
      results: {
        vcpus: { requested: 2, applied: 2, ok: true, error: null },
        mem_gb: { requested: 1, applied: 2, ok: false },
        auto_stop_minutes: { requested: 30, applied: 30, ok: true },
      },
    });
    expect((some.body.results as { mem_gb: { error: string } }).mem_gb.error).toMatch(/uses more than 1 GB/);
    const none = await call(t, 'PATCH', `/computers/${pc.id}/resize`, { mem_gb: 1 });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatch(/None of the requested changes/);
    await sh(pc, 'pkill -f "time.sleep(60)"; echo freed');
    const all = await call(t, 'PATCH', `/computers/${pc.id}/resize`, { cpu: 1, ram: 4, auto_stop_minutes: 0 });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ success: true, vcpus: 1, mem_gb: 4, auto_stop_minutes: 0 });
    const row = await t.client.getComputer(pc.id);
    expect([row.cpu, row.ram]).toEqual([1, 4]);
  }, 60_000);

  it('409 for live limits on a stopped computer; auto_stop and disk still change', async () => {
    const c = await t.client.createComputer({ workspace_id: w1.id, name: 'stopped-one' });
    await t.client.stopComputer(c.id);
    const r = await call(t, 'PATCH', `/computers/${c.id}/resize`, { vcpus: 2 });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatch(/running computer/);
    const ok = await call(t, 'PATCH', `/computers/${c.id}/resize`, { auto_stop_minutes: 5, disk_size_gb: 9 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ disk_size_gb: 9, auto_stop_minutes: 5, results: { disk_size_gb: { ok: true, takes_effect: 'now' } } });
    await t.client.deleteComputer(c.id);
  }, 60_000);
});

describe('move', () => {
  it('moves with an account key; 400 missing or already there, 404 unknown workspace; project_id accepted', async () => {
    const c = await t.client.createComputer({ workspace_id: w1.id, name: 'mover' });
    expect((await call(t, 'PATCH', `/computers/${c.id}/move`, {})).status).toBe(400);
    expect((await call(t, 'PATCH', `/computers/${c.id}/move`, { workspace_id: w1.id })).status).toBe(400);
    expect((await call(t, 'PATCH', `/computers/${c.id}/move`, { workspace_id: 'nope' })).status).toBe(404);
    const moved = await call(t, 'PATCH', `/computers/${c.id}/move`, { project_id: w2.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ success: true, workspace_id: w2.id, project_id: w2.id });
    expect((await t.client.listComputers(w2.id)).map((x) => x.id)).toContain(c.id);
    expect((await t.client.listComputers(w1.id)).map((x) => x.id)).not.toContain(c.id);
    expect((await t.client.bash(c.id, 'echo alive')).output).toBe('alive\n');

    // Scoped keys: one of w2 may not send it to w1 (the target), one of w1 may not touch it (the source).
    const k1 = (await t.client.createKey({ name: 'w1', workspace_id: w1.id })).key;
    const k2 = (await t.client.createKey({ name: 'w2', workspace_id: w2.id })).key;
    expect((await call(t, 'PATCH', `/computers/${c.id}/move`, { workspace_id: w1.id }, k2)).status).toBe(403);
    expect((await call(t, 'PATCH', `/computers/${c.id}/move`, { workspace_id: w1.id }, k1)).status).toBe(403);
    expect((await t.client.getComputer(c.id)).workspace_id).toBe(w2.id);
    await t.client.deleteComputer(c.id);
  }, 60_000);
});

describe('clone', () => {
  it('copies a running computer whole (files, a package, a browser cookie) into a new running one; the two stay apart', async () => {
    await sh(pc, 'mkdir -p ~/work && echo "source file" > ~/work/note.txt');
    // A real package install: a tiny .deb built and installed with dpkg.
    await sh(pc, [
      'set -e; d=$(mktemp -d); mkdir -p $d/DEBIAN $d/usr/local/bin',
      'printf "Package: orgo-clone-probe\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: t <t@t>\\nDescription: probe\\n" > $d/DEBIAN/control',
      'printf "#!/bin/sh\\necho probe-ok\\n" > $d/usr/local/bin/orgo-clone-probe; chmod 755 $d/usr/local/bin/orgo-clone-probe',
      'dpkg-deb --build $d /tmp/probe.deb >/dev/null; sudo dpkg -i /tmp/probe.deb >/dev/null; orgo-clone-probe',
    ].join('; '));
    // A cookie set by a page, in the desktop browser's own profile.
    await sh(pc, [
      "setsid nohup python3 -c \"import http.server as h\nclass H(h.BaseHTTPRequestHandler):\n  def do_GET(s):\n    s.send_response(200); s.send_header('Set-Cookie', 'orgo_probe=kept; Max-Age=86400'); s.end_headers(); s.wfile.write(b'ok')\nh.HTTPServer(('127.0.0.1', 8765), H).serve_forever()\" >/dev/null 2>&1 &",
      'sleep 0.5; timeout 60 chromium --headless=new --no-sandbox --disable-gpu --user-data-dir=$HOME/.config/chromium --dump-dom http://127.0.0.1:8765/ >/dev/null 2>&1; echo done',
    ].join('\n'), 90);
    const cookies = "python3 -c \"import sqlite3; print(sqlite3.connect('file:'+__import__('os').path.expanduser('~/.config/chromium/Default/Cookies')+'?mode=ro', uri=True).execute(\\\"select name from cookies where name='orgo_probe'\\\").fetchall())\"";
    expect(await sh(pc, cookies)).toBe("[('orgo_probe',)]\n");

    const r = await call(t, 'POST', `/computers/${pc.id}/clone`, {});
    expect(r.status).toBe(201);
    const clone = r.body as unknown as Computer;
    const now = await t.client.getComputer(pc.id);
    expect(clone).toMatchObject({ status: 'running', name: 'source (clone)', workspace_id: w1.id, ram: now.ram, cpu: now.cpu, disk_size_gb: now.disk_size_gb });
    expect(clone.id).not.toBe(pc.id);
    expect(clone.instance_id).not.toBe(pc.instance_id);
    expect(clone.vnc_password).not.toBe(pc.vnc_password);
    expect((await t.client.getComputer(pc.id)).status).toBe('running');

    expect(await sh(clone, 'cat ~/work/note.txt; orgo-clone-probe; dpkg -s orgo-clone-probe | grep Status')).toBe('source file\nprobe-ok\nStatus: install ok installed\n');
    expect(await sh(clone, cookies)).toBe("[('orgo_probe',)]\n");
    expect((await t.client.screenshot(clone.id)).width).toBe(1280);

    await sh(clone, 'echo clone-only > ~/work/clone.txt; echo changed > ~/work/note.txt');
    await sh(pc, 'echo source-only > ~/work/source.txt');
    expect(await sh(pc, 'ls ~/work; cat ~/work/note.txt')).toBe('note.txt\nsource.txt\nsource file\n');
    expect(await sh(clone, 'ls ~/work; cat ~/work/note.txt')).toBe('clone.txt\nnote.txt\nchanged\n');
    expect(await sh(clone, 'cat /etc/machine-id')).not.toBe(await sh(pc, 'cat /etc/machine-id'));

    const second = await call(t, 'POST', `/computers/${pc.id}/clone`, {});
    expect(second.status).toBe(201);
    expect(second.body.name).toBe('source (clone 2)');
    await t.client.deleteComputer(String(second.body.id));
    await t.client.deleteComputer(clone.id);
  }, 240_000);

  it('clones a stopped computer, by the name asked, into another workspace; 404 for an unknown workspace', async () => {
    const c = await t.client.createComputer({ workspace_id: w1.id, name: 'cold' });
    await sh(c, 'echo cold > ~/cold.txt');
    await t.client.stopComputer(c.id);
    expect((await call(t, 'POST', `/computers/${c.id}/clone`, { workspace_id: 'nope' })).status).toBe(404);
    const r = await call(t, 'POST', `/computers/${c.id}/clone`, { name: 'warm', workspace_id: w2.id });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'warm', workspace_id: w2.id, status: 'running' });
    expect(await sh({ id: String(r.body.id) }, 'cat ~/cold.txt')).toBe('cold\n');
    expect((await t.client.getComputer(c.id)).status).toBe('stopped');
  }, 120_000);
});
