/**
 * A stand-in for the internet: a network namespace of the test's own, joined to the host by a
 * veth pair and routed like any outside network, with an HTTP server in it. Names carry
 * `manage` and a random tag, so tests of several engineers and hosts never collide.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface Internet {
  /** The server's address and port, reachable from the host like any outside address. */
  address: string;
  port: number;
  url: string;
  /** The folder the server serves. */
  dir: string;
  close(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export async function startInternet(): Promise<Internet> {
  const tag = randomBytes(3).toString('hex');
  const ns = `inet-manage-${tag}`;
  const hostIf = `tm${tag}h`;
  const subnet = `10.231.${randomInt(1, 254)}`;
  const address = `${subnet}.2`;
  const dir = mkdtempSync('/tmp/manage-inet-');
  let server: ChildProcess | undefined;
  const close = () => {
    if (server?.pid) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    try {
      ip('link', 'del', hostIf);
    } catch {
      /* went with the namespace */
    }
    try {
      ip('netns', 'del', ns);
    } catch {
      /* not made */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('addr', 'add', `${subnet}.1/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${address}/30`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', `${subnet}.1`);
    const port = 8080;
    writeFileSync(`${dir}/hello.txt`, `hello from the internet ${tag}\n`);
    server = spawn('ip', ['netns', 'exec', ns, 'python3', '-m', 'http.server', String(port), '--bind', address, '--directory', dir], { stdio: 'ignore' });
    await waitForPort(address, port);
    return { address, port, url: `http://${address}:${port}`, dir, close };
  } catch (e) {
    close();
    throw e;
  }
}

async function waitForPort(host: string, port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the stand-in internet server on ${host}:${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
