/**
 * Uploads read straight off the socket (host/files/socket-body.ts: a Content-Length body of 1 MB
 * or more over plain http), sent by a bare TCP client so that the pieces fall where a test wants
 * them: the bytes stored are the bytes sent however the writes split the body, a body cut off
 * half-way leaves nothing behind, and a refusal mid-body reaches a sender that is still sending.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHost } from '../../host/host.js';
import type { OrgoClient } from '../../shared/api/client.js';
import { startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';

const MiB = 1024 * 1024;
const BOUNDARY = 'orgo-socket-test';

let t: TestHost;
let host: RunningHost;
let client: OrgoClient;
let ws: string;
let dataDir: string;
beforeAll(async () => {
  t = await startTestHost({ maxUploadMb: 64 });
  ({ host, client, dataDir } = t);
  ws = (await client.createWorkspace('socket-uploads')).id;
});
afterAll(() => t?.close());

/** A multipart body: the workspace field, then the file (or first `fields` extra parts). */
function form(file: Buffer, name: string, extra = ''): Buffer {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="workspaceId"\r\n\r\n${ws}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n${extra}--${BOUNDARY}--\r\n`)]);
}

interface Sent {
  /** The answer as received (status line, headers, body), or '' if the connection closed first. */
  answer: string;
  /** How the connection ended for the sender: 'closed' (the host closed it) or an error code. */
  end: string;
}

/** POSTs `body` in writes of the given sizes (cycled); stops after `upTo` bytes when given, and closes. */
function send(body: Buffer, sizes: number[], upTo = body.length, length = body.length, halfClose = false): Promise<Sent> {
  const url = new URL(host.url);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ answer, end: e.code ?? e.message }));
    socket.on('close', () => resolve({ answer, end: 'closed' }));
    socket.on('connect', async () => {
      socket.write(`POST /api/files/upload HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${TEST_KEY}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n`);
      for (let at = 0, i = 0; at < upTo && !socket.destroyed; i++) {
        const n = Math.min(sizes[i % sizes.length]!, upTo - at);
        const more = socket.write(body.subarray(at, at + n));
        at += n;
        if (!more) await new Promise((r) => socket.once('drain', r));
      }
      if (upTo < length) setTimeout(() => socket.destroy(), 200);
      else if (halfClose) socket.end(); // all sent: only the answer is still to come
    });
  });
}

const status = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const json = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
const leftovers = () => readdirSync(`${dataDir}/files`).filter((n) => n.startsWith('.'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('uploads read straight off the socket', () => {
  it('stores the bytes sent, whatever sizes the writes have (the closing boundary split across them too)', async () => {
    const file = randomBytes(9 * MiB + 12345);
    // Odd sizes: pieces end inside the boundary line, one byte at a time near it.
    const body = form(file, 'odd.bin');
    const r = await send(body, [70_001, 1, 3, 1_048_577, 17]);
    expect(status(r.answer)).toBe(201);
    expect(r.answer).toMatch(/\r\nConnection: close\r\n/i);
    const row = json(r.answer) as { id: string; size: number };
    expect(row.size).toBe(file.length);
    const { url } = await client.downloadUrl(row.id);
    expect(sha(Buffer.from(await (await fetch(url)).arrayBuffer()))).toBe(sha(file));
    expect(leftovers()).toEqual([]);
  });

  it('a body cut off half-way leaves no file, no temp file, and nothing listed', async () => {
    const before = (await client.listFiles({ workspaceId: ws })).length;
    const body = form(randomBytes(20 * MiB), 'cut.bin');
    const r = await send(body, [256 * 1024], 10 * MiB);
    expect(r.answer).toBe('');
    // The host notices the close and removes what it had written.
    for (let i = 0; i < 50 && leftovers().length; i++) await new Promise((res) => setTimeout(res, 100));
    expect(leftovers()).toEqual([]);
    expect((await client.listFiles({ workspaceId: ws })).length).toBe(before);
    expect((await client.listFiles({ workspaceId: ws })).map((f) => f.name)).not.toContain('cut.bin');
  });

  it('a form refused mid-body (a second file) is answered in words to a sender still sending, and keeps nothing', async () => {
    const second = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="two.bin"\r\n\r\n${'y'.repeat(1000)}\r\n`;
    // The refusal comes after the first file; 30 MB of padding in a skipped part follow it.
    const pad = `--${BOUNDARY}\r\nX-Padding: yes\r\n\r\n${'z'.repeat(30 * MiB)}\r\n`;
    const body = form(randomBytes(2 * MiB), 'one.bin', second + pad);
    const r = await send(body, [64 * 1024]);
    expect(status(r.answer)).toBe(400);
    expect(json(r.answer)).toMatchObject({ error: 'Send one file, in the field named "file"' });
    expect(r.end).toBe('closed');
    expect(leftovers()).toEqual([]);
    expect((await client.listFiles({ workspaceId: ws })).map((f) => f.name)).not.toContain('one.bin');
  });

  it('a body shorter than its Content-Length said, then silence, is cut off and keeps nothing', async () => {
    const body = form(randomBytes(3 * MiB), 'short.bin');
    // The length promises a megabyte more than is sent; the sender then closes.
    const r = await send(body, [512 * 1024], body.length, body.length + MiB);
    expect(r.answer).toBe('');
    for (let i = 0; i < 50 && leftovers().length; i++) await new Promise((res) => setTimeout(res, 100));
    expect(leftovers()).toEqual([]);
    expect((await client.listFiles({ workspaceId: ws })).map((f) => f.name)).not.toContain('short.bin');
  });

  it('a sender that half-closes once it has sent the whole body still gets its answer', async () => {
    const file = randomBytes(2 * MiB + 7);
    const r = await send(form(file, 'half.bin'), [MiB], undefined, undefined, true);
    expect(status(r.answer)).toBe(201);
    expect((json(r.answer) as { size: number }).size).toBe(file.length);
  });

  it('the host serves the next request after all of these', async () => {
    const r = await send(form(randomBytes(MiB + 1), 'after.bin'), [MiB]);
    expect(status(r.answer)).toBe(201);
  });
});
