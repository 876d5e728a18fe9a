/**
 * A stand-in for the internet: a network namespace of the test's own, joined to the host by a
 * veth pair and routed like any outside network, with a server in it (an HTTP server, or an
 * RTMP server: rtmp-server.ts). Names carry `manage` and a random tag, so tests of several
 * engineers and hosts never collide.
 */
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
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

/** An outside network with nothing in it yet: its address, and a way to run programs in it. */
export interface OutsideNetwork {
  ns: string;
  address: string;
  /** Runs a program inside the namespace; it is killed at close() if still running. */
  spawn(argv: string[], options?: SpawnOptions): ChildProcess;
  close(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export function startOutsideNetwork(): OutsideNetwork {
  const tag = randomBytes(3).toString('hex');
  const ns = `inet-manage-${tag}`;
  const hostIf = `tm${tag}h`;
  const subnet = `10.231.${randomInt(1, 254)}`;
  const address = `${subnet}.2`;
  const children = new Set<ChildProcess>();
  const close = () => {
    for (const c of children) {
      try {
        if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
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
  } catch (e) {
    close();
    throw e;
  }
  return {
    ns,
    address,
    spawn(argv, options = { stdio: 'ignore' }) {
      // exec: the pid is the program's own, so killing it ends the server itself.
      const child = spawn('ip', ['netns', 'exec', ns, ...argv], options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    close,
  };
}

export async function startInternet(): Promise<Internet> {
  const net = startOutsideNetwork();
  const dir = mkdtempSync('/tmp/manage-inet-');
  const close = () => {
    net.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = 8080;
    writeFileSync(`${dir}/hello.txt`, `hello from the internet ${net.ns.slice(-6)}\n`);
    net.spawn(['python3', '-m', 'http.server', String(port), '--bind', net.address, '--directory', dir]);
    await waitForPort(net.address, port);
    return { address: net.address, port, url: `http://${net.address}:${port}`, dir, close };
  } catch (e) {
    close();
    throw e;
  }
}

export async function waitForPort(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
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
