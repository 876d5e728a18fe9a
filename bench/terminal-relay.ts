/**
 * Terminal keystroke echo round trip through the app's relay (renderer → main's loopback
 * channel relay → the computer's terminal websocket, what the viewer's terminal panel uses)
 * against straight to the host's terminal websocket, interleaved in the same run on the same
 * computer. The relay's cost is the ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServices } from '../app/app-services.js';
import type { Keychain } from '../app/credentials.js';
import { channelUrl } from '../shared/api/channels.js';
import { TEST_KEY } from '../tests/helpers/host.js';
import { startBenchHost } from './host.js';
import { printTable } from './stats.js';
import { echo, terminalSocket } from './terminal.js';

const KEYS = Number(process.env.BENCH_KEYS_N ?? 300);
const projectRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export async function run(): Promise<void> {
  const home = mkdtempSync('/tmp/orgo-bench-app-');
  const { api, client, close } = await startBenchHost();
  const services = createAppServices({
    mode: 'browser',
    projectRoot,
    env: { ORGO_DESKTOP_HOME: home, ORGO_API_BASE_URL: api, ORGO_API_KEY: TEST_KEY },
    keychain: async (): Promise<Keychain> => {
      throw new Error('no keychain in the bench');
    },
  });
  try {
    await services.gate.listen();
    const ws = await client.createWorkspace('bench');
    const pc = await client.createComputer({ workspace_id: ws.id, name: 'terminal-relay' });
    await new Promise((r) => setTimeout(r, 1500)); // let the session settle

    const relayed = await terminalSocket(services.channels.ticket(pc.id, 'terminal'));
    const direct = await terminalSocket(channelUrl(pc.connection_url, 'terminal', { token: pc.vnc_password }));
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      const key = 'abcdefghijklmnopqrstuvwxyz'[i % 26]!;
      ours.push(await echo(relayed, key));
      theirs.push(await echo(direct, key));
      if (i % 60 === 59) for (const t of [relayed, direct]) t.ws.send(JSON.stringify({ type: 'input', data: '\x15' }));
    }
    relayed.ws.close();
    direct.ws.close();
    printTable(`terminal keystroke echo round trip, app relay vs direct (n=${KEYS}, this machine: 2 cores)`, [
      { what: "through the app's channel relay (main, loopback)", ours, peer: theirs, peerName: "straight to the host's terminal websocket", target: 'ratio < 1.5' },
    ]);
  } finally {
    services.close();
    await close();
    rmSync(home, { recursive: true, force: true });
  }
}
