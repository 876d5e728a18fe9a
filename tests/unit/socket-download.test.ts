/**
 * The SDK's download to a path over plain http (shared/api/socket-download.ts, through
 * node-transfer.ts) against servers answering the ways servers do: a Content-Length body (read
 * from the socket), a chunked one and an error in words (both left to node:http), and one that
 * stops half-way (an error, and no file or .part left behind).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { downloadToPath } from '../../shared/api/node-transfer.js';
import { tempDataDir } from '../helpers/host.js';

const dir = tempDataDir('orgo-socket-dl-');
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/f?x=1`;
}

const bytes = randomBytes(5 * 1024 * 1024 + 12345);

describe('downloadToPath over plain http', () => {
  it('saves a Content-Length body byte for byte, with progress up to the total', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': bytes.length });
      res.end(bytes);
    });
    let last = { received: 0, total: null as number | null };
    expect(await downloadToPath(url, `${dir}/a.bin`, { onProgress: (p) => (last = p) })).toBe(bytes.length);
    expect(readFileSync(`${dir}/a.bin`).equals(bytes)).toBe(true);
    expect(last).toEqual({ received: bytes.length, total: bytes.length });
    expect(existsSync(`${dir}/a.bin.part`)).toBe(false);
  });

  it('saves a chunked body too', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < bytes.length; i += 300_000) res.write(bytes.subarray(i, i + 300_000));
      res.end();
    });
    expect(await downloadToPath(url, `${dir}/b.bin`)).toBe(bytes.length);
    expect(readFileSync(`${dir}/b.bin`).equals(bytes)).toBe(true);
  });

  it("says a server's error in its words", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'This download link has expired' }));
    });
    await expect(downloadToPath(url, `${dir}/c.bin`)).rejects.toThrow('Download failed (403): This download link has expired');
    expect([existsSync(`${dir}/c.bin`), existsSync(`${dir}/c.bin.part`)]).toEqual([false, false]);
  });

  it('fails a body that stops half-way and leaves nothing behind', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, 2 * 1024 * 1024), () => res.socket?.destroy());
    });
    await expect(downloadToPath(url, `${dir}/d.bin`)).rejects.toThrow(`Download ended early: ${2 * 1024 * 1024} of ${bytes.length} bytes`);
    expect([existsSync(`${dir}/d.bin`), existsSync(`${dir}/d.bin.part`)]).toEqual([false, false]);
  });
});
