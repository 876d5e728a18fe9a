/**
 * A host in this process for the benchmark parts: a fresh data dir, the test key, a client; closing
 * removes the data dir. A bench stopped with Ctrl+C (SIGINT) or SIGTERM closes every host it still
 * has open (its computers stopped, their disks unmounted, the data dir removed), then exits with the
 * signal's status; a second signal exits at once.
 */
import { rmSync } from 'node:fs';
import { startHost, type HostOptions, type RunningHost } from '../host/host.js';
import { OrgoClient } from '../shared/api/client.js';
import { tempDataDir, TEST_KEY } from '../tests/helpers/host.js';

export interface BenchHost {
  host: RunningHost;
  /** The host's API base URL. */
  api: string;
  client: OrgoClient;
  close(): Promise<void>;
}

const open = new Set<BenchHost>();
const STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
let stopping = false;

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) process.exit(STATUS[signal]);
  stopping = true;
  process.stderr.write(`\n${signal}: closing ${open.size} bench host(s)…\n`);
  // The part's work fails as its computers go (a screenshot's X connection closing): noted, but
  // the process stays until the hosts are closed.
  const noted = (e: unknown) => process.stderr.write(`  while closing: ${(e as Error)?.message ?? e}\n`);
  process.on('uncaughtException', noted);
  process.on('unhandledRejection', noted);
  void Promise.allSettled([...open].map((h) => h.close())).then(() => process.exit(STATUS[signal]));
}

function watchSignals(): void {
  if (process.listeners('SIGINT').includes(onSignal)) return;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export async function startBenchHost(options: Pick<HostOptions, 'agents' | 'isolation' | 'diskImages'> = {}): Promise<BenchHost> {
  watchSignals();
  const dataDir = tempDataDir('orgo-bench-');
  const host = await startHost({ dataDir, port: 0, bootstrapKey: TEST_KEY, ...options });
  const api = `${host.url}/api`;
  let closing: Promise<void> | null = null;
  const bench: BenchHost = {
    host,
    api,
    client: new OrgoClient({ baseUrl: api, apiKey: TEST_KEY }),
    // Once only: the signal handler and the part's own finally may both close it.
    close: () =>
      (closing ??= (async () => {
        try {
          await host.close();
        } finally {
          open.delete(bench);
          rmSync(dataDir, { recursive: true, force: true });
        }
      })()),
  };
  open.add(bench);
  return bench;
}
