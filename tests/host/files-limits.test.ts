/**
 * Upload limits and memory: over the limit is 413 with the limit in the message (told up front
 * or found mid-stream), nothing is left behind, and a 200 MB upload streams through a host
 * process whose memory grows by less than 50 MB.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../host/host.js';
import { OrgoApiError, OrgoClient } from '../../shared/api/client.js';
import { tempDataDir, TEST_KEY } from '../helpers/host.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';

const MiB = 1024 * 1024;
const scratch = tempDataDir('orgo-files-big-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the upload limit (--max-upload-mb 1)', () => {
  let host: RunningHost;
  let client: OrgoClient;
  let ws: string;
  const dataDir = tempDataDir();
  beforeAll(async () => {
    host = await startHost({ dataDir, port: 0, bootstrapKey: TEST_KEY, maxUploadMb: 1 });
    client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
    ws = (await client.createWorkspace('limits')).id;
  });
  afterAll(async () => {
    await host?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts a file of exactly the limit', async () => {
    writeFileSync(`${scratch}/exact.bin`, randomBytes(MiB));
    expect((await client.uploadFile(`${scratch}/exact.bin`, { workspaceId: ws })).size).toBe(MiB);
  });

  it('answers 413 naming the limit when the request says its size up front', async () => {
    writeFileSync(`${scratch}/over.bin`, randomBytes(3 * MiB));
    const started = Date.now();
    const err = (await client.uploadFile(`${scratch}/over.bin`, { workspaceId: ws }).catch((e) => e)) as OrgoApiError;
    expect(err).toBeInstanceOf(OrgoApiError);
    expect(err.status).toBe(413);
    expect(err.message).toBe("The file is larger than this host's upload limit of 1 MB (1048576 bytes; the host's --max-upload-mb)");
    expect(err.body).toMatchObject({ code: 'file_too_large', limit_bytes: MiB });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 413 when a streamed body without a length runs over, and keeps nothing', async () => {
    const boundary = 'orgo-test-boundary';
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="workspaceId"\r\n\r\n${ws}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="chunked.bin"\r\n\r\n`,
    ];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of parts) c.enqueue(new TextEncoder().encode(p));
        for (let i = 0; i < 12; i++) c.enqueue(randomBytes(256 * 1024)); // 3 MB
        c.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        c.close();
      },
    });
    const res = await fetch(`${host.url}/api/files/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/upload limit of 1 MB/);
    expect(readdirSync(`${dataDir}/files`).filter((n) => n.startsWith('.'))).toEqual([]);
    expect((await client.listFiles({ workspaceId: ws })).map((f) => f.name)).toEqual(['exact.bin']);
  });
});

describe('memory', () => {
  let proc: HostProcess;
  let client: OrgoClient;
  const dataDir = tempDataDir();
  beforeAll(async () => {
    // The host in a process of its own, so that its memory is the host's alone.
    proc = await startHostProcess(dataDir, { args: ['--max-upload-mb', '300'], stderr: 'inherit' });
    client = new OrgoClient({ baseUrl: `${proc.url}/api`, apiKey: TEST_KEY });
  });
  afterAll(async () => {
    await proc?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const status = (field: 'VmRSS' | 'VmHWM') => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
    return Number(m![1]) * 1024;
  };

  it('streams a 200 MB upload onto a desktop with less than 50 MB of host memory growth', async () => {
    const ws = (await client.createWorkspace('memory')).id;
    const pc = (await client.createComputer({ workspace_id: ws, name: 'memory-pc' })).id;
    const big = `${scratch}/big.bin`;
    writeFileSync(`${scratch}/warm.bin`, randomBytes(4 * MiB));
    await client.uploadFile(`${scratch}/warm.bin`, { desktopId: pc }); // loads every code path once
    // 200 MB, written in pieces so the test process does not hold it either.
    writeFileSync(big, '');
    const hash = createHash('sha256');
    for (let i = 0; i < 50; i++) {
      const piece = randomBytes(4 * MiB);
      hash.update(piece);
      writeFileSync(big, piece, { flag: 'a' });
    }
    const baseline = status('VmRSS');
    writeFileSync(`/proc/${proc.pid}/clear_refs`, '5'); // resets the peak (VmHWM) to now
    const f = await client.uploadFile(big, { desktopId: pc });
    const growth = status('VmHWM') - baseline;
    console.log(`200 MB upload: host RSS ${(baseline / MiB).toFixed(1)} MB before, peak growth ${(growth / MiB).toFixed(1)} MB`);
    expect(f.size).toBe(200 * MiB);
    expect(growth).toBeLessThan(50 * MiB);
    const expected = hash.digest('hex');
    const inside = (await client.bash(pc, 'sha256sum ~/Desktop/big.bin')).output.split(' ')[0];
    expect(inside).toBe(expected);
    // And the way back: the download streams the same bytes.
    const { url } = await client.downloadUrl(f.id);
    const down = createHash('sha256');
    for await (const chunk of (await fetch(url)).body!) down.update(chunk as Uint8Array);
    expect(down.digest('hex')).toBe(expected);
  }, 120_000);
});
