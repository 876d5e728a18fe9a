/** A host in this process for the benchmark parts: a fresh data dir, the test key, a client; closing removes the data dir. */
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

export async function startBenchHost(options: Pick<HostOptions, 'agents' | 'isolation' | 'diskImages'> = {}): Promise<BenchHost> {
  const dataDir = tempDataDir('orgo-bench-');
  const host = await startHost({ dataDir, port: 0, bootstrapKey: TEST_KEY, ...options });
  const api = `${host.url}/api`;
  return {
    host,
    api,
    client: new OrgoClient({ baseUrl: api, apiKey: TEST_KEY }),
    close: async () => {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
