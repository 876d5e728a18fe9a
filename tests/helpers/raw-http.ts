/**
 * HTTP/1.1 by hand over a socket, for requests that fetch will not send: a full URL in the
 * request line, a broken Host, invalid UTF-8, CONNECT, half-sent headers, a body that stops.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the connection ended without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
  /** The connection was still open, with no answer, when the time ran out. */
  hung: boolean;
}

export interface RawOptions {
  timeoutMs?: number;
  localAddress?: string;
  /** Sent after the request, in pieces with pauses: for bodies that trickle or stop. */
  then?: (write: (data: string | Buffer) => boolean) => Promise<void>;
}

/** Sends `request` (the whole text, or its start) to host:port and reads one answer. */
export function rawRequest(port: number, request: string | Buffer, options: RawOptions = {}): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (hung: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(data), ms: Date.now() - started, hung });
    };
    const timer = setTimeout(() => finish(true), options.timeoutMs ?? 10_000);
    socket.on('connect', () => {
      socket.write(request);
      options.then?.((d) => !socket.destroyed && socket.write(d)).catch(() => {});
    });
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      if (complete(data)) finish(false);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

function split(data: Buffer): { head: string; body: Buffer } | null {
  const end = data.indexOf('\r\n\r\n');
  return end < 0 ? null : { head: data.subarray(0, end).toString('latin1'), body: data.subarray(end + 4) };
}

function complete(data: Buffer): boolean {
  const s = split(data);
  if (!s) return false;
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(s.head);
  return !!m && s.body.length >= Number(m[1]);
}

function parse(data: Buffer): Omit<RawAnswer, 'ms' | 'hung'> {
  const s = split(data);
  if (!s) return { status: 0, headers: {}, body: data.toString('utf8') };
  const [line, ...lines] = s.head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(line ?? '')?.[1] ?? 0), headers, body: s.body.toString('utf8') };
}

/** A request's text: request line, headers (Connection: close unless given), body. */
export function httpText(method: string, target: string, headers: Record<string, string>, body?: string | Buffer): Buffer {
  const h = { connection: 'close', ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) };
  const head = `${method} ${target} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}
