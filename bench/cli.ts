/**
 * `npm run bench -- cli`: the command line's wall time as a user feels it, each beside the
 * nearest thing without it in the same run: `orgo computers list --json` beside curl of the same
 * endpoint, and `orgo --version` beside `node -e 0` (bare Node's own start). Runs interleaved so
 * the machine's load falls on both alike. Targets: within 2× of curl, startup within 2× of Node.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { buildCli, ORGO } from '../tests/helpers/orgo-cli.js';
import { TEST_KEY } from '../tests/helpers/host.js';
import { startBenchHost } from './host.js';
import { printTable } from './stats.js';

const N = 25;

function wall(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(performance.now() - t) : reject(new Error(`${file} ${args.join(' ')} exited ${code}`))));
  });
}

export async function run(): Promise<void> {
  buildCli();
  const b = await startBenchHost();
  const home = mkdtempSync('/tmp/orgo-bench-cli-');
  try {
    const ws = await b.client.createWorkspace('bench');
    for (const name of ['one', 'two', 'three']) await b.client.createComputer({ workspace_id: ws.id, name });
    const env = { PATH: process.env.PATH, HOME: home, ORGO_DESKTOP_HOME: home, ORGO_API_BASE_URL: b.api, ORGO_API_KEY: TEST_KEY };
    const orgoList = () => wall(process.execPath, [ORGO, 'computers', 'list', '--json'], env);
    const curlList = () => wall('curl', ['-sf', '-o', '/dev/null', '-H', `Authorization: Bearer ${TEST_KEY}`, `${b.api}/computers`], env);
    const version = () => wall(process.execPath, [ORGO, '--version'], env);
    const bare = () => wall(process.execPath, ['-e', '0'], env);
    const rows = { list: [] as number[], curl: [] as number[], version: [] as number[], node: [] as number[] };
    // Warm the file cache and the host's first request.
    await orgoList();
    await curlList();
    for (let i = 0; i < N; i++) {
      rows.list.push(await orgoList());
      rows.curl.push(await curlList());
      rows.version.push(await version());
      rows.node.push(await bare());
    }
    printTable('orgo command line (wall time of the whole process)', [
      { what: 'orgo computers list --json (3 computers)', ours: rows.list, peer: rows.curl, peerName: 'curl of GET /api/computers', target: '≤ 2× curl' },
      // The floor under any Node CLI: what starting Node alone costs beside curl, same run.
      { what: 'orgo computers list --json, beside bare Node', ours: rows.list, peer: rows.node, peerName: 'node -e 0' },
      { what: 'orgo --version', ours: rows.version, peer: rows.node, peerName: 'node -e 0', target: '≤ 2× node' },
      { what: 'node -e 0 (no work at all)', ours: rows.node, peer: rows.curl, peerName: 'curl of GET /api/computers' },
    ]);
  } finally {
    await b.close();
    rmSync(home, { recursive: true, force: true });
  }
}
