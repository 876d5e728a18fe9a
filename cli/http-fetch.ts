/**
 * A small `fetch` over node:http for the CLI's JSON requests. Node's own fetch loads undici on
 * first use, about 0.2 s of CPU: more than the rest of a command like `orgo computers list`
 * together. Requests with a streamed body (uploads from a File) still go through the real fetch; answers
 * offer what the SDK reads (status, headers, text, json, arrayBuffer, and body as a stream).
 * node:https (with tls and crypto) loads only for an https address: most calls here go to the
 * built-in host over loopback http, and loading it costs more than the request.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/**
 * node:https as a built-in (Node 20.16+): from the CLI's CommonJS entry an import() would start
 * Node's ES module loader too, about 15 ms of CPU before a request to Orgo's cloud.
 */
const https = async (): Promise<typeof import('node:https')> => process.getBuiltinModule?.('node:https') ?? import('node:https');

interface LightResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly body: ReadableStream<Uint8Array>;
}

function answer(res: IncomingMessage): LightResponse {
  let bytes: Promise<Buffer> | null = null;
  const all = () =>
    (bytes ??= new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.once('end', () => resolve(Buffer.concat(parts)));
      res.once('error', reject);
    }));
  const status = res.statusCode ?? 0;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    headers: {
      get: (name) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    text: async () => (await all()).toString('utf8'),
    json: async () => JSON.parse((await all()).toString('utf8')),
    arrayBuffer: async () => {
      const b = await all();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
    get body() {
      return Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
    },
  };
}

export const lightFetch = (async (input: string | URL, init: RequestInit = {}) => {
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string') return fetch(input, init);
  const url = new URL(String(input));
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  const send = url.protocol === 'https:' ? (await https()).request : httpRequest;
  return new Promise<LightResponse>((resolve, reject) => {
    const req = send(url, { method: init.method ?? 'GET', headers, signal: init.signal ?? undefined }, (res) => resolve(answer(res)));
    req.once('error', (e: Error & { code?: string }) => {
      // The words app/errors.ts gives fetch's failures: "fetch failed" with the cause.
      if (e.name === 'AbortError' && init.signal?.reason) return reject(init.signal.reason);
      reject(Object.assign(new TypeError('fetch failed'), { cause: e }));
    });
    req.end(body ?? undefined);
  });
}) as unknown as typeof fetch & { nodeHttp?: boolean };
// Over node:http too: the SDK may then move files to and from paths over node:http (shared/api/node-transfer.ts).
lightFetch.nodeHttp = true;
