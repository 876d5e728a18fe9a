/**
 * What a Python `requests` session sends, byte for byte where it matters to a server: the headers
 * it adds itself (User-Agent, Accept-Encoding, Connection), the session's own (Orgo's SDK sets
 * Authorization, `Content-Type: application/json` and `Accept: application/json` on every call,
 * GETs and body-less POSTs and DELETEs included), `json=` bodies as `json.dumps` writes them
 * (", " and ": " separators, non-ASCII as \uXXXX), `Content-Length: 0` for a body-less request
 * other than GET, and `params=` as a `+`-encoded query. Written from the wire (tests/host/
 * compat-requests.test.ts checks it against python3's requests where that is installed).
 */
import http from 'node:http';
import https from 'node:https';

export const PY_USER_AGENT = 'python-requests/2.32.3';

/** `json.dumps(value)` with Python's defaults. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`)
    .join(', ')}}`;
}

export interface PyResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** `response.json()`, or undefined when the body is not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface PySessionOptions {
  /** Session headers (what `session.headers.update` set). */
  headers?: Record<string, string>;
  ca?: Buffer;
}

/** A `requests.Session()`: one keep-alive connection pool, its headers on every request. */
export class PySession {
  private readonly agent: http.Agent;
  constructor(private readonly options: PySessionOptions = {}) {
    this.agent = new (options.ca ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1, ...(options.ca ? { ca: options.ca } : {}) });
  }

  /** `session.request(method, url, params=params, json=json)`. */
  request(method: string, url: string, opts: { params?: Record<string, string | number>; json?: unknown } = {}): Promise<PyResponse> {
    const u = new URL(url);
    if (opts.params) for (const [k, v] of Object.entries(opts.params)) u.searchParams.append(k, String(v));
    const body = opts.json === undefined || opts.json === null ? undefined : Buffer.from(pyJsonDumps(opts.json), 'utf8');
    const headers: Record<string, string> = {
      'User-Agent': PY_USER_AGENT,
      'Accept-Encoding': 'gzip, deflate',
      Accept: '*/*',
      Connection: 'keep-alive',
      ...this.options.headers,
    };
    if (body) {
      headers['Content-Type'] ??= 'application/json';
      headers['Content-Length'] = String(body.length);
    } else if (method !== 'GET' && method !== 'HEAD') {
      headers['Content-Length'] = '0';
    }
    const lib = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(u, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
