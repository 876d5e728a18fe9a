/** A real host for tests: its own data dir, a known key, a free port; closed and removed after. */
import { mkdtempSync, rmSync } from 'node:fs';
import { startHost, type HostOptions, type RunningHost } from '../../host/host.js';
import { OrgoClient } from '../../shared/api/client.js';

export const TEST_KEY = 'sk_live_test_0123456789abcdefghijklmnopqrstuv';

export interface TestHost {
  host: RunningHost;
  client: OrgoClient;
  dataDir: string;
  api: string;
  /** Restarts the host process on the same data dir (and port), as after a reboot. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Unix socket paths are short: keep data dirs near the root. */
export function tempDataDir(prefix = 'orgo-t-'): string {
  return mkdtempSync(`/tmp/${prefix}`);
}

export async function startTestHost(options: { minuteMs?: number; dataDir?: string; agents?: HostOptions['agents'] } = {}): Promise<TestHost> {
  const dataDir = options.dataDir ?? tempDataDir();
  const start = (port: number) => startHost({ dataDir, port, bootstrapKey: TEST_KEY, minuteMs: options.minuteMs, agents: options.agents });
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
  t.client = new OrgoClient({ baseUrl: t.api, apiKey: TEST_KEY });
  return t;
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
