/**
 * Three more cells of the fault table, as a user would meet them: the whole host killed
 * (SIGKILL) during an agent step, the guest killed during an upload onto the computer's desktop,
 * and the X server (Xvnc) killed during a terminal session. Each ends in a clear error (never a
 * hang or a 5xx) and a recovery; nothing stored is lost, no half file stays. The host runs in a
 * process of its own so it can be killed; the model is the loopback stand-in for Anthropic's API.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import { startAnthropicDouble, type AnthropicDouble, type Reply, type SeenRequest } from '../helpers/anthropic-double.js';
import { chat, getJson } from '../helpers/agent.js';
import { openChannel } from '../helpers/channels.js';
import { eventually, tempDataDir, TEST_KEY } from '../helpers/host.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';
import { computerProcesses } from '../helpers/procs.js';

const MiB = 1024 * 1024;
const table: string[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e) => console.error(`cleanup: ${e}`));
  console.log(['fault table (more cells):', ...table.map((r) => `  ${r}`)].join('\n'));
});

const clientOf = (h: HostProcess) => new OrgoClient({ baseUrl: `${h.url}/api`, apiKey: TEST_KEY });

/** The guest: the computer's pid 1, the parent of its X server (spawned or forked from the zygote alike). */
function guestPid(instanceId: string): number {
  const xvnc = computerProcesses(instanceId, 'Xvnc');
  expect(xvnc).toHaveLength(1);
  const pid = Number(readFileSync(`/proc/${xvnc[0]}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('python3');
  return pid;
}

const markerSum = async (c: OrgoClient, pc: Computer) => (await c.bash(pc.id, 'sha256sum ~/marker.bin')).output.split(' ')[0];

describe('faults during an agent step, an upload to a computer, a terminal session', () => {
  const dataDir = tempDataDir('orgo-fault-agents-');
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  let model: AnthropicDouble;
  let script: (req: SeenRequest) => Reply = () => ({ text: 'no script' });
  let h: HostProcess;
  let c: OrgoClient;
  let pc: Computer;
  let sum: string;
  const start = async () => {
    h = await startHostProcess(dataDir, { env: { ANTHROPIC_BASE_URL: model.url } });
    c = clientOf(h);
  };

  it('the host killed during an agent step: after the restart the thread says interrupted, the computer is back with its disk, and the thread continues', async () => {
    model = await startAnthropicDouble((req) => script(req));
    cleanups.push(() => model.close());
    await start();
    cleanups.push(() => h.close());
    const ws = await c.createWorkspace('faults-agents');
    pc = await c.createComputer({ workspace_id: ws.id, name: 'faulty-agent', resolution: '1280x720x24' });
    sum = (await c.bash(pc.id, 'head -c 4000000 /dev/urandom > ~/marker.bin && sync && sha256sum ~/marker.bin')).output.split(' ')[0]!;
    // A screenshot, then a long wait action: the kill lands in the middle of that step.
    script = (req) => (req.answering[0]?.action === 'screenshot' ? { tool: { name: 'computer', input: { action: 'wait', duration: 20 } } } : req.answering.length ? { text: 'Finished after the wait.' } : { tool: { name: 'computer', input: { action: 'screenshot' } } });
    const running = chat(`${h.url}/api`, { computer_id: pc.id, messages: [{ role: 'user', content: 'look, then wait' }] }, { 'x-anthropic-key': model.key }).then(
      (r) => `answered ${r.status}`,
      (e: Error) => `failed: ${e.message}${e.cause ? ` (${(e.cause as Error).message})` : ''}`,
    );
    await eventually(() => model.requests.length, (n) => n >= 2, 20_000, 'the second model request (the wait step under way)');
    const threadId = (await getJson(`${h.url}/api`, `/v1/threads?computer_id=${pc.id}`)).body.data[0].id as string;
    await new Promise((r) => setTimeout(r, 500));
    process.kill(h.pid, 'SIGKILL');
    const client = await Promise.race([running, new Promise<string>((r) => setTimeout(() => r('no answer within 10 s'), 10_000))]);
    expect(client).toMatch(/^failed: /); // the connection ends: no hang, and no answer pretending the task finished
    await eventually(() => computerProcesses(pc.instance_id, 'Xvnc').length, (n) => n === 0, 15_000, 'the old desktop gone');

    await start();
    const th = (await eventually(() => getJson(`${h.url}/api`, `/v1/threads/${threadId}`).catch(() => null), (r) => r?.status === 200, 10_000, 'the thread'))!.body;
    expect(th.status).toBe('interrupted');
    pc = await eventually(() => c.getComputer(pc.id), (x) => x.status === 'running', 60_000, 'the computer back');
    expect(await markerSum(c, pc)).toBe(sum);
    // The action queue is free and the thread goes on from where it was.
    await c.screenshot(pc.id);
    script = (req) => (req.answering.length ? { text: 'Carried on.' } : { tool: { name: 'computer', input: { action: 'screenshot' } } });
    const more = await chat(`${h.url}/api`, { computer_id: pc.id, thread_id: threadId, messages: [{ role: 'user', content: 'carry on' }] }, { 'x-anthropic-key': model.key });
    expect(more.status, JSON.stringify(more.body)).toBe(200);
    expect(more.body.orgo.thread_id).toBe(threadId);
    expect(more.body.choices[0].message.content).toBe('Carried on.');
    expect(model.problems).toEqual([]);
    table.push(`the host (SIGKILL) | during an agent's "wait" step | the run's request: ${client.slice(0, 80)}; after restart: thread "${th.status}" (${th.stop_reason}), computer running, the thread continued to done | lost: nothing (4 MB file intact)`);
  }, 180_000);

  it('the guest killed during an upload onto the computer: a clear answer (never a 5xx or a hang), no half file anywhere, the computer comes back', async () => {
    const ws = (await c.listWorkspaces())[0]!;
    let sent = 0;
    const boundary = 'fault-agents-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="desktopId"\r\n\r\n${pc.id}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.bin"\r\n\r\n`;
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode(head));
      },
      async pull(ctl) {
        if (sent >= 90 * MiB) {
          ctl.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
          return ctl.close();
        }
        ctl.enqueue(new Uint8Array(MiB).fill(7));
        sent += MiB;
        if (sent % (4 * MiB) === 0) await new Promise((r) => setTimeout(r, 20));
      },
    });
    const answer = fetch(`${h.url}/api/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body, duplex: 'half' } as RequestInit).then(
      async (r) => ({ status: r.status, body: await r.text() }),
      (e: Error) => ({ status: 0, body: e.message }),
    );
    await eventually(() => sent, (n) => n >= 30 * MiB, 30_000, "30 MB sent");
    process.kill(guestPid(pc.instance_id), 'SIGKILL');
    const got = await Promise.race([answer, new Promise<{ status: number; body: string }>((r) => setTimeout(() => r({ status: -1, body: 'no answer within 30 s' }), 30_000))]);
    expect(got.status, got.body).not.toBe(-1);
    // Either the upload was refused in words (a 4xx with {"error"}) or it completed into the workspace
    // only; never a 5xx, never a hang.
    expect(got.status, got.body).toBeLessThan(500);
    if (got.status >= 400) expect(JSON.parse(got.body).error.length).toBeGreaterThan(5);
    const after = await eventually(() => c.getComputer(pc.id), (x) => x.status !== 'running', 15_000, 'the computer to say it stopped');
    pc = await c.request<Computer>('POST', `/computers/${pc.id}/restart`);
    expect(pc.status).toBe('running');
    expect(await markerSum(c, pc)).toBe(sum);
    // No half file on the computer's desktop, and none listed.
    const desk = (await c.bash(pc.id, 'ls -la ~/Desktop 2>/dev/null; find ~ -name "half*" -printf "%p %s\\n"')).output;
    const listed = (await c.request<{ files: Array<{ name: string; size_bytes?: number; size?: number }> }>('GET', '/files', undefined, { workspace_id: ws.id })).files.filter((f) => f.name.startsWith('half'));
    if (got.status >= 400) {
      expect(desk).not.toMatch(/half/);
      expect(listed).toEqual([]);
    } else {
      // It completed into the workspace (the bytes go to the host's disk, not through the guest):
      // the file is whole, and the copy on the desktop is whole or was not made.
      const row = JSON.parse(got.body) as { size: number; desktop_path: string | null };
      expect(row.size).toBe(90 * MiB);
      const copies = desk.split('\n').filter((l) => l.startsWith('/') && l.includes('half'));
      for (const line of copies) expect(Number(line.split(' ').pop()), line).toBe(90 * MiB);
      if (!row.desktop_path) expect(copies).toEqual([]);
    }
    const kept = got.status >= 400 ? 'the unfinished upload only (no half file on the desktop or in the list)' : `nothing: the file whole in the workspace (${listed.length} listed), ${desk.includes('half') ? 'its desktop copy whole' : 'no desktop copy (the computer had stopped), no half file'}`;
    table.push(`the guest (SIGKILL) | at 30 MB of a 90 MB upload onto the computer's desktop | upload: ${got.status} ${got.body.slice(0, 100)}; computer: ${after.status} "${after.error_message ?? ''}"; restart: running | lost: ${kept}; disk intact`);
  }, 180_000);

  it('Xvnc killed during a terminal session: the terminal says the computer stopped, the computer comes back, a terminal works again', async () => {
    const term = openChannel(pc, 'terminal');
    await term.until(() => /\$ $/.test(term.output()), 20_000, 'prompt');
    term.send({ type: 'input', data: 'echo before-the-fault\n' });
    await term.until(() => term.output().includes('before-the-fault\r\n'), 10_000, 'echo');
    const [xvnc] = computerProcesses(pc.instance_id, 'Xvnc');
    process.kill(xvnc!, 'SIGKILL');
    const closed = await Promise.race([term.closed, new Promise<{ code: number; reason: string }>((r) => setTimeout(() => r({ code: -1, reason: 'still open after 15 s' }), 15_000))]);
    expect(closed.code, closed.reason).not.toBe(-1);
    expect(closed.reason.length, 'a reason in words').toBeGreaterThan(5);
    expect(closed.code).not.toBe(1006); // closed by the host with a reason, not dropped
    const after = await eventually(() => c.getComputer(pc.id), (x) => x.status === 'error', 10_000, 'status error');
    expect(after.error_message).toMatch(/Xvnc/);
    pc = await c.request<Computer>('POST', `/computers/${pc.id}/start`);
    expect(pc.status).toBe('running');
    expect(await markerSum(c, pc)).toBe(sum);
    const again = openChannel(pc, 'terminal');
    await again.until(() => /\$ $/.test(again.output()), 20_000, 'prompt after the restart');
    again.send({ type: 'input', data: 'echo after-the-fault\n' });
    await again.until(() => again.output().includes('after-the-fault\r\n'), 10_000, 'echo after');
    again.close();
    table.push(`Xvnc (SIGKILL) | during a terminal session | terminal: closed ${closed.code} "${closed.reason}"${term.messages('error').length ? `, after ${JSON.stringify(term.messages('error')[0])}` : ''}; computer: error "${after.error_message}"; start: running, a new terminal works | lost: nothing`);
    await h.close();
    expect(computerProcesses(pc.instance_id, 'Xvnc')).toEqual([]);
  }, 120_000);
});
