/**
 * Managing computers: what a network, cgroup limits and a disk image of its own cost, and
 * what a clone costs.
 * - create→running, and bash/screenshot latency, on a host with isolation (own network, cgroup
 *   limits, disk image) beside a host without, in the same run, alternating.
 * - clone (API, of a running computer) holding 500 MB in its home beside `cp -a` of that home
 *   folder on the same filesystem.
 * - one 720p15 stream's CPU beside capture alone (bench/stream.ts, also `npm run bench -- stream`).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { TEST_KEY } from '../tests/helpers/host.js';
import { startBenchHost } from './host.js';
import { streamRows } from './stream.js';
import { printTable, time, type Row } from './stats.js';

const N = Number(process.env.BENCH_MANAGE_N ?? 10);

export async function run(): Promise<void> {
  const on = await startBenchHost();
  const off = await startBenchHost({ isolation: { network: false, limits: false }, diskImages: false });
  try {
    const [wsOn, wsOff] = await Promise.all([on.client.createWorkspace('bench'), off.client.createWorkspace('bench')]);
    const create = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < N; i++) {
      for (const [which, h, ws] of [['on', on, wsOn], ['off', off, wsOff]] as const) {
        let id = '';
        create[which].push(await time(async () => {
          const c = await h.client.createComputer({ workspace_id: ws.id, name: `b${i}` });
          if (c.status !== 'running') throw new Error(`${which}: ${c.error_message}`);
          id = c.id;
        }));
        await h.client.deleteComputer(id);
      }
    }
    const [a, b] = await Promise.all([
      on.client.createComputer({ workspace_id: wsOn.id, name: 'act' }),
      off.client.createComputer({ workspace_id: wsOff.id, name: 'act' }),
    ]);
    const bash = { on: [] as number[], off: [] as number[] };
    const shot = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < 30 + 3; i++) {
      const bOn = await time(() => on.client.bash(a.id, 'true'));
      const bOff = await time(() => off.client.bash(b.id, 'true'));
      const sOn = await time(() => on.client.screenshot(a.id));
      const sOff = await time(() => off.client.screenshot(b.id));
      if (i < 3) continue; // warm-up
      bash.on.push(bOn); bash.off.push(bOff); shot.on.push(sOn); shot.off.push(sOff);
    }
    const rows: Row[] = [
      { what: 'create→running, isolated (own network, limits, disk image)', ours: create.on, peer: create.off, peerName: 'same host code without' },
      { what: 'bash `true`, limits on', ours: bash.on, peer: bash.off, peerName: 'limits off' },
      { what: 'screenshot, limits on', ours: shot.on, peer: shot.off, peerName: 'limits off' },
    ];

    // Clone of a computer holding 500 MB in its home, beside cp -a of that home.
    await on.client.bash(a.id, 'mkdir -p ~/data && for i in $(seq 50); do head -c 10485760 /dev/urandom > ~/data/f$i; done; sync; du -sm ~/data', 600);
    const home = on.host.computers.paths({ id: a.id, instance_id: a.instance_id }).home;
    const cloneMs: number[] = [];
    const cpMs: number[] = [];
    let cloneBytes = 0;
    for (let i = 0; i < 3; i++) {
      const target = `/tmp/manage-bench-cp-${process.pid}`;
      cpMs.push(await time(async () => execFileSync('cp', ['-a', home, target])));
      rmSync(target, { recursive: true, force: true });
      let cloneId = '';
      cloneMs.push(await time(async () => {
        const r = await fetch(`${on.api}/computers/${a.id}/clone`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' }, body: '{}' });
        const body = (await r.json()) as { id: string; status: string; error_message?: string };
        if (r.status !== 201 || body.status !== 'running') throw new Error(`clone: ${r.status} ${JSON.stringify(body)}`);
        cloneId = body.id;
      }));
      const image = on.host.computers.paths({ id: cloneId, instance_id: '' }).image;
      cloneBytes = Number(execFileSync('du', ['-B1', image]).toString().split('\t')[0]);
      await on.client.deleteComputer(cloneId);
    }
    rows.push({ what: 'clone of a running computer with 500 MB in home (API, until running)', ours: cloneMs, peer: cpMs, peerName: 'cp -a of the home folder' });
    printTable('manage', rows);
    console.log(`clone's disk image on the host: ${(cloneBytes / 1024 ** 2).toFixed(0)} MB (sparse copy; the filesystem here has no reflinks)`);
  } finally {
    await Promise.all([on.close(), off.close()]);
  }
  printTable('manage: stream', await streamRows());
}
