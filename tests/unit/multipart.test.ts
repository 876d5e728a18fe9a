/**
 * The upload's multipart reader (host/files/multipart.ts) on bodies cut into pieces every way a
 * socket may cut them: one byte at a time, at random, and right inside the boundary, with file
 * bytes that look like the start of a boundary. What it hands on must be the file, byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boundaryOf, parseDisposition, readForm } from '../../host/files/multipart.js';
import { ApiError } from '../../host/errors.js';

const LIMITS = { fields: 16, fieldSize: 4096, parts: 20, headerPairs: 50 };
const B = 'orgo-unit-boundary';
const TYPE = `multipart/form-data; boundary=${B}`;

function body(file: Buffer, fields: Record<string, string> = { workspaceId: 'ws-1' }, filename = 'a.bin'): Buffer {
  const head = Object.entries(fields).map(([k, v]) => `--${B}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  return Buffer.concat([
    Buffer.from(`preamble to ignore\r\n${head}--${B}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/x-test\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${B}--\r\nepilogue`),
  ]);
}

async function read(pieces: Buffer[], max = 1e9) {
  const out: Buffer[] = [];
  const fields: Record<string, string> = {};
  const files: Array<{ fieldname: string; filename: string; mimetype?: string }> = [];
  const size = await readForm(Readable.from(pieces), TYPE, LIMITS, {
    maxFileBytes: max,
    tooLarge: () => new ApiError(413, 'too large', 'file_too_large'),
    field: (k, v) => (fields[k] = v),
    file: (p) => {
      files.push(p);
      return new Writable({
        highWaterMark: 64,
        write(chunk: Buffer, _e, cb) {
          out.push(Buffer.from(chunk));
          setImmediate(cb); // a slow disk: the reader must wait for it
        },
      });
    },
  });
  return { size, file: Buffer.concat(out), fields, files };
}

function cut(b: Buffer, sizes: () => number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < b.length; ) {
    const n = Math.max(1, sizes());
    pieces.push(b.subarray(i, i + n));
    i += n;
  }
  return pieces;
}

// File bytes full of near-boundaries: a line break and dashes, the boundary less its last byte.
const tricky = Buffer.concat([randomBytes(1000), Buffer.from(`\r\n--${B.slice(0, -1)}`), Buffer.from('\r\n-'), randomBytes(3000), Buffer.from(`\r\n--${B.slice(0, 5)}`), Buffer.from('\r\n\r\n--')]);

describe('the multipart reader', () => {
  it('reads fields and the file whole however the body is cut', async () => {
    const b = body(tricky, { workspaceId: 'ws-1', desktopId: 'pc-9' });
    for (const sizes of [() => 1, () => 7, () => Math.floor(Math.random() * 300), () => B.length + 3, () => 1 << 16]) {
      const r = await read(cut(b, sizes));
      expect(r.file.equals(tricky)).toBe(true);
      expect(r.size).toBe(tricky.length);
      expect(r.fields).toEqual({ workspaceId: 'ws-1', desktopId: 'pc-9' });
      expect(r.files).toEqual([{ fieldname: 'file', filename: 'a.bin', mimetype: 'application/x-test' }]);
    }
  });

  it('cuts at every offset around the delimiter that ends the file', async () => {
    const file = Buffer.concat([randomBytes(200), Buffer.from('\r\n--')]);
    const b = body(file);
    const end = b.indexOf(`\r\n--${B}--`);
    for (let at = end - 8; at < end + B.length + 8; at++) {
      const r = await read([b.subarray(0, at), b.subarray(at)]);
      expect(r.file.equals(file), `cut at ${at - end}`).toBe(true);
    }
  });

  it('an empty file, and a large one in socket-sized pieces', async () => {
    expect((await read([body(Buffer.alloc(0))])).size).toBe(0);
    const big = randomBytes(5 * 1024 * 1024);
    expect((await read(cut(body(big), () => 65536))).file.equals(big)).toBe(true);
  });

  it('refuses what is malformed or over a limit, in words', async () => {
    const fail = (pieces: Buffer[], max?: number) => read(pieces, max).then(() => 'no error', (e: ApiError) => `${e.status} ${e.code}`);
    const ok = body(Buffer.from('hello'));
    expect(await fail([ok.subarray(0, ok.length - 20)])).toBe('400 bad_multipart');
    expect(await fail([Buffer.from('no boundary anywhere')])).toBe('400 bad_multipart');
    expect(await fail([ok], 4)).toBe('413 file_too_large');
    expect(await fail([body(Buffer.from('x'), { big: 'v'.repeat(5000) })])).toBe('400 field_too_long');
    expect(await fail([body(Buffer.from('x'), Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, 'v'])))])).toBe('413 too_many_fields');
    expect(await fail([Buffer.from(`--${B}\r\nno colon here\r\n\r\nx\r\n--${B}--\r\n`)])).toBe('400 bad_multipart');
  });

  it('parses boundaries and dispositions as clients send them', () => {
    expect(boundaryOf('multipart/form-data; boundary="a b;c"')).toBe('a b;c');
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary=----x')).toBe('----x');
    expect(() => boundaryOf('multipart/form-data')).toThrow(/Boundary not found/);
    expect(parseDisposition('form-data; name="file"; filename="a \\"q\\".txt"')).toEqual({ name: 'file', filename: 'a "q".txt' });
    expect(parseDisposition("form-data; name=file; filename=\"x\"; filename*=UTF-8''%C3%A9t%C3%A9.txt")).toEqual({ name: 'file', filename: 'été.txt' });
    expect(parseDisposition('form-data; name="workspaceId"')).toEqual({ name: 'workspaceId', filename: undefined });
    expect(parseDisposition('attachment; filename="x"')).toBeUndefined();
  });
});
