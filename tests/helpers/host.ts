/** A real host for tests: its own data dir, a known key, a free port; closed and removed after. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { startHost, type HostOptions, type RunningHost } from '../../host/host.js';
import { OrgoClient } from '../../shared/api/client.js';

export const TEST_KEY = 'sk_live_test_0123456789abcdefghijklmnopqrstuv';

export interface TestHost {
  host: RunningHost;
  client: OrgoClient;
  dataDir: string;
  api: string;
  /** With `tls: true`: the host's self-signed certificate (for 127.0.0.1), to trust it. */
  ca?: Buffer;
  /** Restarts the host process on the same data dir (and port), as after a reboot. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Unix socket paths are short: keep data dirs near the root. */
export function tempDataDir(prefix = 'orgo-t-'): string {
  return mkdtempSync(`/tmp/${prefix}`);
}

export async function startTestHost(
  options: { minuteMs?: number; dataDir?: string; agents?: HostOptions['agents']; publicUrl?: string; tls?: boolean; maxUploadMb?: number } = {},
): Promise<TestHost> {
  const dataDir = options.dataDir ?? tempDataDir();
  const tls = options.tls ? selfSigned(dataDir) : undefined;
  const start = (port: number) => startHost({ dataDir, port, bootstrapKey: TEST_KEY, minuteMs: options.minuteMs, agents: options.agents, publicUrl: options.publicUrl, maxUploadMb: options.maxUploadMb, ...tls });
  const t: TestHost = {
    host: await start(0),
    client: undefined as unknown as OrgoClient,
    dataDir,
    api: '',
    async restart() {
      const port = t.host.port;
      await t.host.close();
      t.host = await start(port);
    },
    async close() {
      await t.host.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  t.api = `${t.host.url}/api`;
  if (tls) {
    t.ca = readFileSync(tls.tlsCert);
    const dispatcher = new Agent({ connect: { ca: t.ca } });
    const fetchImpl = ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch;
    t.client = new OrgoClient({ baseUrl: t.api, apiKey: TEST_KEY, fetch: fetchImpl });
  } else {
    t.client = new OrgoClient({ baseUrl: t.api, apiKey: TEST_KEY });
  }
  return t;
}

/** A self-signed certificate for 127.0.0.1 in the data dir, as people set up --tls-cert/--tls-key. */
function selfSigned(dir: string): { tlsCert: string; tlsKey: string } {
  const tlsCert = `${dir}/tls.crt`;
  const tlsKey = `${dir}/tls.key`;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', tlsKey, '-out', tlsCert], { stdio: 'ignore' });
  return { tlsCert, tlsKey };
}

/** Raw request, for asserting status codes and error bodies exactly. */
export async function call(
  t: { api: string },
  method: string,
  path: string,
  body?: unknown,
  key: string | null = TEST_KEY,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(t.api + path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

/** Waits until `check` holds, polling; fails with the last value seen. */
export async function eventually<T>(get: () => Promise<T> | T, check: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await get();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await get();
  }
  return last;
}
