/**
 * Files: upload and download throughput over loopback against a host in its own process, beside
 * `cp` of the same file on the same disk in the same run (the limit: a copy that never leaves
 * the kernel's page cache). Ours through the SDK (as the app's main process uploads) and through
 * curl (a client with no JavaScript in the way), as MB/s; the ratio is ours / cp. A second
 * baseline from the same run is the floor of HTTP through Node itself (bench/bare-http.ts: a bare
 * server that drops an upload and pipes a file out), so what is ours shows apart from what
 * loopback HTTP in Node costs on this machine. A third is curl's own ceiling (bench/curl-ceiling.py:
 * a socket that only reads an upload into one reused buffer, a download sent by sendfile(2), no
 * HTTP stack): what curl itself can move here, which no server can raise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { OrgoClient } from '../shared/api/client.js';
import { tempDataDir, TEST_KEY } from '../tests/helpers/host.js';
import { startHostProcess } from '../tests/helpers/host-process.js';
import { printTable, time } from './stats.js';

const MB = Number(process.env.BENCH_FILES_MB ?? 200);
const N = Number(process.env.BENCH_FILES_N ?? 5);

export async function run(): Promise<void> {
  // One disk for everything: the source, cp's copy, the host's data dir and the downloads.
  const dataDir = tempDataDir('orgo-bench-');
  const work = tempDataDir('orgo-bench-files-');
  const host = await startHostProcess(dataDir, { args: ['--max-upload-mb', String(MB + 10)], stderr: 'inherit' });
  try {
    const client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
    const ws = (await client.createWorkspace('bench-files')).id;
    const pc = (await client.createComputer({ workspace_id: ws, name: 'bench-files' })).id;
    const src = `${work}/source.bin`;
    writeFileSync(src, '');
    for (let i = 0; i < MB; i++) writeFileSync(src, randomBytes(1024 * 1024), { flag: 'a' });
    const bytes = statSync(src).size;
    const rate = (ms: number) => bytes / 1024 / 1024 / (ms / 1000);
    // Host CPU seconds (user + system, all threads) per GB moved: steadier than MB/s on a busy machine.
    const cpu: Record<string, number[]> = { upload: [], 'upload onto a desktop': [], download: [] };
    const hostCpu = async (what: string, fn: () => Promise<unknown>) => {
      const before = host.cpuSeconds();
      await fn();
      cpu[what]!.push((host.cpuSeconds() - before) / (bytes / 1e9));
    };
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores; other work on this machine shows in the numbers)`);

    const bare = await startServer(process.execPath, ['--import', 'tsx', 'bench/bare-http.ts', src]);
    const ceiling = await startServer('python3', ['bench/curl-ceiling.py', src]);
    const rows = { ceilUp: [] as number[], ceilDown: [] as number[], bareUp: [] as number[], bareDown: [] as number[], cp: [] as number[], sdk: [] as number[], sdkDesktop: [] as number[], curl: [] as number[], down: [] as number[], curlDown: [] as number[] };
    for (let i = 0; i < N; i++) {
      rows.cp.push(rate(await time(async () => run1('cp', [src, `${work}/copy.bin`]))));
      rmSync(`${work}/copy.bin`);
      rows.bareUp.push(rate(await time(async () => run1('curl', ['-sSf', '-o', '/dev/null', '-F', `file=@${src}`, `${bare.url}/upload`]))));
      rows.bareDown.push(rate(await time(async () => run1('curl', ['-sSf', '-o', `${work}/down.bin`, `${bare.url}/file`]))));
      rmSync(`${work}/down.bin`);
      rows.ceilUp.push(rate(await time(async () => run1('curl', ['-sSf', '-o', '/dev/null', '-F', `file=@${src}`, `${ceiling.url}/upload`]))));
      rows.ceilDown.push(rate(await time(async () => run1('curl', ['-sSf', '-o', `${work}/down.bin`, `${ceiling.url}/file`]))));
      rmSync(`${work}/down.bin`);

      let id = '';
      rows.sdk.push(rate(await time(() => hostCpu('upload', async () => (id = (await client.uploadFile(src, { workspaceId: ws })).id)))));
      const { url } = await client.downloadUrl(id);
      rows.down.push(rate(await time(() => client.downloadFile(id, `${work}/down.bin`))));
      // curl -o over an existing 200 MB file would pay for truncating it; the floor's curl does not.
      rmSync(`${work}/down.bin`);
      rows.curlDown.push(rate(await time(() => hostCpu('download', async () => run1('curl', ['-sSf', '-o', `${work}/down.bin`, url])))));
      rmSync(`${work}/down.bin`);
      await client.deleteFile(id);

      const curlOut = await time(async () => run1('curl', ['-sSf', '-o', '/dev/null', '-H', `Authorization: Bearer ${TEST_KEY}`, '-F', `workspaceId=${ws}`, '-F', `file=@${src}`, `${host.url}/api/files/upload`]));
      rows.curl.push(rate(curlOut));
      for (const f of await client.listFiles({ workspaceId: ws })) await client.deleteFile(f.id);

      // Onto a desktop: the store's copy plus the desktop's copy, as the app's drop does.
      rows.sdkDesktop.push(
        rate(await time(() => hostCpu('upload onto a desktop', async () => (id = (await client.uploadFile(src, { desktopId: pc, name: `in-${i}.bin` })).id)))),
      );
      await client.deleteFile(id);
      await client.bash(pc, `rm -f ~/Desktop/in-${i}.bin`);
    }
    bare.close();
    ceiling.close();
    const peer = { peer: rows.cp, peerName: `cp (same disk)`, unit: 'MB/s' };
    printTable(`files: ${MB} MB over loopback, host in its own process (n=${N}; higher is better; ratio = ours / cp)`, [
      { what: "curl's ceiling: upload, curl -F → a socket that only reads", ours: rows.ceilUp, ...peer },
      { what: "curl's ceiling: download, curl -o ← sendfile(2)", ours: rows.ceilDown, ...peer },
      { what: 'floor: upload, curl -F → bare Node server (drops it)', ours: rows.bareUp, ...peer },
      { what: 'floor: download, curl -o ← bare Node server (pipe)', ours: rows.bareDown, ...peer },
      { what: 'upload, SDK from a path', ours: rows.sdk, ...peer },
      { what: 'upload, SDK, onto a desktop', ours: rows.sdkDesktop, ...peer },
      { what: 'upload, curl -F', ours: rows.curl, ...peer },
      { what: 'download, SDK downloadFile → file', ours: rows.down, ...peer },
      { what: 'download (signed link), curl -o', ours: rows.curlDown, ...peer },
    ]);
    const up = { peer: rows.bareUp, peerName: 'curl -F → bare Node', unit: 'MB/s' };
    const down = { peer: rows.bareDown, peerName: 'curl -o ← bare Node', unit: 'MB/s' };
    printTable('the same, beside the floor of HTTP through Node in this run (ratio = ours / floor)', [
      { what: 'upload, SDK from a path', ours: rows.sdk, ...up },
      { what: 'upload, SDK, onto a desktop', ours: rows.sdkDesktop, ...up },
      { what: 'upload, curl -F', ours: rows.curl, ...up },
      { what: 'download, SDK downloadFile → file', ours: rows.down, ...down },
      { what: 'download (signed link), curl -o', ours: rows.curlDown, ...down },
    ]);
    printTable("curl's rows beside curl's own ceiling in this run (ratio = ours / what curl can move here at all)", [
      { what: 'upload, curl -F', ours: rows.curl, peer: rows.ceilUp, peerName: 'curl -F → a socket that only reads', unit: 'MB/s' },
      { what: 'download (signed link), curl -o', ours: rows.curlDown, peer: rows.ceilDown, peerName: 'curl -o ← sendfile(2)', unit: 'MB/s' },
    ]);
    // Host memory: the peak growth of its RSS over one upload of the whole file onto a desktop.
    const status = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${host.pid}/status`, 'utf8'))![1]) / 1024;
    const before = status('VmRSS');
    writeFileSync(`/proc/${host.pid}/clear_refs`, '5'); // the peak (VmHWM) starts again from now
    const kept = await client.uploadFile(src, { desktopId: pc, name: 'rss.bin' });
    console.log(`\nhost RSS growth over one ${MB} MB upload onto a desktop: ${(status('VmHWM') - before).toFixed(1)} MB (from ${before.toFixed(1)} MB; target under 50 MB)`);
    await client.deleteFile(kept.id);
    // cp's own CPU for the same bytes, from bash's `times` (children's user and system time).
    const cpCpu: number[] = [];
    for (let i = 0; i < N; i++) {
      const r = spawnSync('bash', ['-c', 'cp "$1" "$2" && times', 'bench', src, `${work}/copy.bin`], { encoding: 'utf8' });
      const secs = [...r.stdout.trim().split('\n').pop()!.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      cpCpu.push((secs[0]! + secs[1]!) / (bytes / 1e9));
      rmSync(`${work}/copy.bin`);
    }
    printTable('host CPU seconds per GB moved (user + system, all of the host process; lower is better)', [
      { what: 'upload (SDK)', ours: cpu.upload!, peer: cpCpu, peerName: 'cp (its CPU)', unit: 's/GB' },
      { what: 'upload onto a desktop (SDK)', ours: cpu['upload onto a desktop']!, peer: cpCpu, peerName: 'cp (its CPU)', unit: 's/GB' },
      { what: 'download (curl)', ours: cpu.download!, peer: cpCpu, peerName: 'cp (its CPU)', unit: 's/GB' },
    ]);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/** A baseline server in its own process (it prints its port, and ends when its stdin closes). */
async function startServer(cmd: string, args: string[]): Promise<{ url: string; close(): void }> {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /port (\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => child.stdin!.end() };
}

function run1(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
}
