/**
 * A real RTMP server for the streaming tests: nginx with libnginx-mod-rtmp (Debian's packages,
 * scripts/ensure.sh test), in a stand-in internet of its own (internet.ts), since a computer
 * cannot reach the host's loopback. It records every publish to `<key>-<time>.flv`, so a test
 * reads what arrived, under the name it arrived with. `drop()` kills the server as a crash
 * would; `start()` brings it back on the same address.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startOutsideNetwork, waitForPort, type OutsideNetwork } from './internet.js';

const MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const PORT = 1935;

export interface RtmpServer {
  /** What a stream connection's server_url is: rtmp://address:1935/live. */
  url: string;
  address: string;
  dir: string;
  start(): Promise<void>;
  /** Kills the server mid-stream (SIGKILL: no goodbye to the publisher). */
  drop(): void;
  /** The recordings of one stream name (the key), oldest first, with their sizes. */
  recordings(key: string): Array<{ path: string; bytes: number }>;
  close(): void;
}

export function rtmpServerAvailable(): boolean {
  return existsSync('/usr/sbin/nginx') && existsSync(MODULE);
}

export async function startRtmpServer(): Promise<RtmpServer> {
  const net: OutsideNetwork = startOutsideNetwork();
  const dir = mkdtempSync('/tmp/stream-rtmp-');
  const rec = join(dir, 'rec');
  mkdirSync(rec);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      `load_module ${MODULE};`,
      // One process in the foreground: the test owns its pid, and a kill is the whole server.
      'daemon off;',
      'master_process off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log info;`,
      'events { worker_connections 64; }',
      'rtmp {',
      '  server {',
      `    listen ${net.address}:${PORT};`,
      '    chunk_size 4096;',
      '    application live {',
      '      live on;',
      '      record all;',
      `      record_path ${rec};`,
      '      record_unique on;',
      '    }',
      '  }',
      '}',
    ].join('\n') + '\n',
  );
  let server: ChildProcess | undefined;
  const close = () => {
    net.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const s: RtmpServer = {
    url: `rtmp://${net.address}:${PORT}/live`,
    address: net.address,
    dir,
    async start() {
      server = net.spawn(['/usr/sbin/nginx', '-p', dir, '-e', `${dir}/error.log`, '-c', conf], { stdio: 'ignore' });
      await waitForPort(net.address, PORT);
    },
    drop() {
      if (server?.pid && server.exitCode === null && server.signalCode === null) process.kill(server.pid, 'SIGKILL');
      server = undefined;
    },
    recordings(key) {
      return readdirSync(rec)
        .filter((f) => f.startsWith(`${key}-`) && f.endsWith('.flv'))
        .sort()
        .map((f) => ({ path: join(rec, f), bytes: statSync(join(rec, f)).size }));
    },
    close,
  };
  try {
    await s.start();
  } catch (e) {
    close();
    throw e;
  }
  return s;
}
