/**
 * Faults, as a user would meet them: the X server, the guest and the whole host killed (SIGKILL)
 * in the middle of work (an action, a command, a 200 MB upload, a terminal session), and the data
 * dir's disk filling up during an upload and during a computer's writes. Each ends in a clear
 * error or a recovery; no computer's disk or stored file is lost or corrupted; SQLite stays
 * consistent; nothing is left running or mounted. Prints the fault table.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrgoApiError, OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import { openChannel } from '../helpers/channels.js';
import { eventually, tempDataDir, TEST_KEY } from '../helpers/host.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';
import { mountLoopFs, mountedUnder, type LoopFs } from '../helpers/loop-fs.js';
import { computerProcesses } from '../helpers/procs.js';

const MiB = 1024 * 1024;
const table: Array<{ killed: string; when: string; saw: string; lost: string }> = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e) => console.error(`cleanup: ${e}`));
  console.log(['fault table:', ...table.map((r) => `  ${r.killed} | ${r.when} | ${r.saw} | lost: ${r.lost}`)].join('\n'));
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const clientOf = (h: HostProcess) => new OrgoClient({ baseUrl: `${h.url}/api`, apiKey: TEST_KEY });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error);

/** The guest: the computer's pid 1, the parent of its X server (spawned or forked from the zygote alike). */
function guestPid(instanceId: string): number {
  const xvnc = computerProcesses(instanceId, 'Xvnc');
  expect(xvnc).toHaveLength(1);
  const pid = Number(readFileSync(`/proc/${xvnc[0]}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('python3');
  return pid;
}

function integrity(dataDir: string): string {
  const db = new Database(join(dataDir, 'host.db'), { readonly: true });
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) + '/' + (db.pragma('foreign_key_check') as unknown[]).length;
  } finally {
    db.close();
  }
}

/** A file with known content inside the computer, and its checksum there. */
async function marker(c: OrgoClient, pc: Computer): Promise<string> {
  const r = await c.bash(pc.id, 'head -c 4000000 /dev/urandom > ~/marker.bin && sync && sha256sum ~/marker.bin');
  return r.output.split(' ')[0]!;
}
const markerNow = async (c: OrgoClient, pc: Computer) => (await c.bash(pc.id, 'sha256sum ~/marker.bin')).output.split(' ')[0];

async function upload(h: HostProcess, workspaceId: string, bytes: Uint8Array, name: string): Promise<Response> {
  const form = new FormData();
  form.set('workspaceId', workspaceId);
  form.set('file', new Blob([bytes]), name);
  return fetch(`${h.url}/api/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: form });
}

describe('killing parts of a computer mid-work', () => {
  const dataDir = tempDataDir('orgo-fault-');
  let h: HostProcess;
  let c: OrgoClient;
  let pc: Computer;
  let sum: string;
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the X server killed during an action: the action fails in words, the computer says why, a start brings it back with its disk', async () => {
    h = await startHostProcess(dataDir);
    cleanups.push(() => h.close());
    c = clientOf(h);
    const ws = await c.createWorkspace('faults');
    pc = await c.createComputer({ workspace_id: ws.id, name: 'Faulty' });
    sum = await marker(c, pc);
    const [xvnc] = computerProcesses(pc.instance_id, 'Xvnc');
    const drag = failure(c.request('POST', `/computers/${pc.id}/drag`, { start_x: 10, start_y: 10, end_x: 500, end_y: 400, duration: 3 }));
    await new Promise((r) => setTimeout(r, 700));
    process.kill(xvnc!, 'SIGKILL');
    const err = (await drag) as OrgoApiError | null;
    const after = await eventually(() => c.getComputer(pc.id), (x) => x.status === 'error', 10_000, 'status error');
    expect(after.error_message).toMatch(/Xvnc/);
    // What the action answered: an error with words, not a hang and not a success.
    expect(err).toBeInstanceOf(OrgoApiError);
    expect(err!.message.length).toBeGreaterThan(5);
    expect(err!.body).toMatchObject({ code: 'computer_stopped' });
    expect(err!.message).toMatch(/Xvnc/);
    pc = await c.request<Computer>('POST', `/computers/${pc.id}/start`);
    expect(pc.status).toBe('running');
    expect(await markerNow(c, pc)).toBe(sum);
    table.push({ killed: 'Xvnc (SIGKILL)', when: 'during a 3 s drag', saw: `drag: ${err!.status} "${err!.message}"; computer: error "${after.error_message}"; start: running`, lost: 'nothing (4 MB file in the computer intact)' });
  });

  it('the guest killed during a command: the command fails at once in words, restart brings the computer back with its disk', async () => {
    const started = Date.now();
    const bash = failure(c.bash(pc.id, 'sleep 20; echo finished'));
    await new Promise((r) => setTimeout(r, 700));
    process.kill(guestPid(pc.instance_id), 'SIGKILL');
    const err = (await bash) as OrgoApiError | null;
    const took = Date.now() - started;
    const after = await eventually(() => c.getComputer(pc.id), (x) => x.status === 'error', 10_000, 'status error');
    expect(err).toBeInstanceOf(OrgoApiError);
    expect(took).toBeLessThan(15_000);
    expect(computerProcesses(pc.instance_id, 'Xvnc')).toEqual([]); // the computer's processes went with it
    expect(err!.body).toMatchObject({ code: 'computer_stopped' });
    pc = await c.request<Computer>('POST', `/computers/${pc.id}/restart`);
    expect(pc.status).toBe('running');
    expect(await markerNow(c, pc)).toBe(sum);
    table.push({ killed: 'the guest (SIGKILL)', when: 'during bash "sleep 20"', saw: `bash: ${err!.status} "${err!.message}" after ${(took / 1000).toFixed(1)} s; computer: error "${after.error_message}"; restart: running`, lost: 'nothing' });
  });

  it('the whole host killed during a 200 MB upload and a terminal session: after a restart nothing stored is lost, no partial file stays, SQLite is consistent', async () => {
    const ws = (await c.listWorkspaces())[0]!;
    const kept = randomBytes(2 * MiB);
    const keptRow = (await (await upload(h, ws.id, kept, 'kept.bin')).json()) as { id: string };
    const term = openChannel(pc, 'terminal');
    await term.until(() => /\$ $/.test(term.output()), 20_000, 'prompt');
    term.send({ type: 'input', data: 'echo terminal-alive\n' });
    await term.until(() => term.output().includes('terminal-alive\r\n'), 10_000, 'echo');
    // 200 MB, streamed slowly enough that the kill lands in the middle.
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (sent >= 200 * MiB) return ctl.close();
        ctl.enqueue(randomBytes(MiB));
        sent += MiB;
        if (sent % (8 * MiB) === 0) await new Promise((r) => setTimeout(r, 20));
      },
    });
    const boundary = 'fault-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="workspaceId"\r\n\r\n${ws.id}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`;
    const full = new ReadableStream<Uint8Array>({
      async start(ctl) {
        ctl.enqueue(new TextEncoder().encode(head));
        const r = body.getReader();
        for (;;) {
          const { done, value } = await r.read();
          if (done) break;
          ctl.enqueue(value);
        }
        ctl.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        ctl.close();
      },
    });
    const big = failure(
      fetch(`${h.url}/api/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: full, duplex: 'half' } as RequestInit).then(async (r) => {
        throw new Error(`answered ${r.status}`);
      }),
    );
    await eventually(() => sent, (n) => n >= 60 * MiB, 30_000, '60 MB sent');
    const oldPid = h.pid;
    process.kill(oldPid, 'SIGKILL');
    const uploadErr = await big;
    const termClosed = await Promise.race([term.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 10_000))]);
    expect(termClosed.code).not.toBe(-1);
    // The computer's processes end with the host (the guest reads EOF on its stdin).
    await eventually(() => computerProcesses(pc.instance_id, 'Xvnc').length, (n) => n === 0, 15_000, 'old desktop gone');
    expect(integrity(dataDir)).toBe('ok/0');

    h = await startHostProcess(dataDir);
    c = clientOf(h);
    expect(readdirSync(join(dataDir, 'files')).filter((f) => f.startsWith('.incoming-'))).toEqual([]);
    const files = await c.request<{ files: Array<{ id: string; name: string }> }>('GET', '/files', undefined, { workspace_id: ws.id });
    expect(files.files.map((f) => f.name).sort()).toEqual(['kept.bin']);
    const link = await c.request<{ url: string }>('GET', '/files/download', undefined, { id: keptRow.id });
    expect(sha(new Uint8Array(await (await fetch(link.url)).arrayBuffer()))).toBe(sha(kept));
    // The computer that was running comes back by itself, with its disk.
    pc = await eventually(() => c.getComputer(pc.id), (x) => x.status === 'running', 60_000, 'recovered');
    expect(computerProcesses(pc.instance_id, 'Xvnc')).toHaveLength(1);
    expect(await markerNow(c, pc)).toBe(sum);
    const again = openChannel(pc, 'terminal');
    await again.until(() => /\$ $/.test(again.output()), 20_000, 'prompt after restart');
    again.close();
    table.push({
      killed: 'the host (SIGKILL)',
      when: 'at 60 MB of a 200 MB upload, a terminal open',
      saw: `upload: ${uploadErr?.message.slice(0, 60)}; terminal closed (${termClosed.code}); after restart: computer back to running, terminal works`,
      lost: 'the unfinished upload only (no partial file kept); stored file and computer disk intact; SQLite ok',
    });
    await h.close();
    expect(computerProcesses(pc.instance_id, 'Xvnc')).toEqual([]);
    expect(mountedUnder(dataDir)).toBe(false); // the computer's disk image too
  }, 180_000);
});

describe("the data dir's disk filling up", () => {
  let fs: LoopFs;
  let h: HostProcess;
  let c: OrgoClient;

  it('during an upload: 507 in words, nothing partial kept, the host serves on, and uploads work once there is room', async () => {
    fs = mountLoopFs(200);
    cleanups.push(() => fs.close());
    // Something else of the host's on the same disk, that its owner can delete to make room.
    writeFileSync(join(fs.mountPoint, 'ballast'), randomBytes(40 * MiB));
    const dataDir = join(fs.mountPoint, 'd');
    h = await startHostProcess(dataDir, { args: ['--max-upload-mb', '1000'] });
    cleanups.push(() => h.close());
    c = clientOf(h);
    const ws = await c.createWorkspace('full');
    const small = randomBytes(MiB);
    const first = (await (await upload(h, ws.id, small, 'small.bin')).json()) as { id: string };
    const res = await upload(h, ws.id, randomBytes(250 * MiB), 'huge.bin');
    const body = (await res.json()) as { error: string; code: string };
    expect(res.status).toBe(507);
    expect(body.code).toBe('disk_full');
    expect(readdirSync(join(dataDir, 'files')).filter((f) => f.startsWith('.incoming-'))).toEqual([]);
    expect((await c.listWorkspaces()).length).toBe(1);
    expect((await upload(h, ws.id, randomBytes(MiB), 'after.bin')).status).toBe(201);
    const link = await c.request<{ url: string }>('GET', '/files/download', undefined, { id: first.id });
    expect(sha(new Uint8Array(await (await fetch(link.url)).arrayBuffer()))).toBe(sha(small));
    expect(integrity(dataDir)).toBe('ok/0');
    table.push({ killed: 'disk space (200 MB loop fs)', when: 'during a 250 MB upload', saw: `${res.status} "${body.error}"; next upload 201`, lost: 'the upload that did not fit only; earlier file intact' });
  }, 120_000);

  it("during a computer's writes: the program inside is told, the computer and the host go on, and work again once there is room", async () => {
    const ws = (await c.listWorkspaces())[0]!;
    const pc = await c.createComputer({ workspace_id: ws.id, name: 'Filler' });
    const sum = await marker(c, pc);
    // fsync: the computer's disk is an image file on the full disk, so the error shows at write-back.
    const fill = await c.bash(pc.id, 'dd if=/dev/zero of=~/fill bs=1M count=400 conv=fsync 2>&1 | grep -v records; echo "exit ${PIPESTATUS[0]}"', 120);
    console.log(`dd inside the computer, host disk full: ${fill.output.trim().replace(/\n/g, ' | ')}`);
    // The write fails and says so (its disk is an image on the host's full disk: an I/O error at fsync).
    expect(fill.output).toMatch(/No space left on device|Input\/output error|Read-only file system/);
    expect(fill.output).not.toMatch(/exit 0/);
    // The host still answers while its disk is full: reads, actions, and writes that say why they fail.
    expect((await c.getComputer(pc.id)).status).toBe('running');
    const shot = await c.screenshot(pc.id);
    expect(shot.width).toBeGreaterThan(0);
    const create = await failure(c.createWorkspace('while full'));
    if (create) expect((create as OrgoApiError).status).toBe(507);
    // Room again on the host. Its computer's disk went read-only when its image could not grow
    // (ext4 errors=remount-ro): a restart repairs and remounts it, and what was written before is there.
    rmSync(join(fs.mountPoint, 'ballast'));
    const back = await c.request<Computer>('POST', `/computers/${pc.id}/restart`);
    expect([back.status, back.error_message]).toEqual(['running', null]);
    expect(await markerNow(c, back)).toBe(sum);
    expect((await c.bash(pc.id, 'echo writable > ~/after-full && cat ~/after-full')).output).toBe('writable\n');
    expect((await c.createWorkspace('after full')).name).toBe('after full');
    expect(integrity(join(fs.mountPoint, 'd'))).toBe('ok/0');
    table.push({
      killed: 'disk space (200 MB loop fs)',
      when: 'a computer writing 400 MB (dd)',
      saw: `dd: "${fill.output.trim().split('\n').join(' / ')}"; computer running, screenshot served; a new workspace meanwhile: ${create ? `${(create as OrgoApiError).status} "${create.message}"` : '201 (SQLite had room)'}`,
      lost: 'the fill only; after freeing host space a restart repaired the read-only image, and the 4 MB file written before is intact',
    });
    await h.close();
    expect(computerProcesses(pc.instance_id, 'Xvnc')).toEqual([]);
    expect(mountedUnder(join(fs.mountPoint, 'd'))).toBe(false);
    fs.close();
    expect(mountedUnder('/tmp/orgo-hardening-fs-')).toBe(false);
  }, 120_000);
});
