/**
 * Name lookups for computers when the host's resolver listens on its loopback: 127.0.0.53 on a
 * normal Ubuntu host (systemd-resolved), 127.0.0.1 with dnsmasq or unbound. A computer has a
 * network of its own (network.ts) in which 127.0.0.1 is its own loopback, and the host's is
 * unreachable by design, so the host's /etc/resolv.conf, which computers see, names a server
 * nobody answers on.
 *
 * The choice: a small forwarder in the host process, on an address of this host that computers
 * reach through their link (a /32 of the computers' pool, on the host's `lo`), that passes DNS
 * queries, UDP and TCP, to the host's own resolver and the answers back; each computer's
 * /etc/resolv.conf names it in place of the loopback servers (the guest writes it at boot from
 * ORGO_RESOLV, guest/seed.py). Why not the alternatives:
 * - DNAT of port 53 to the host's 127.0.0.53 needs `route_localnet` on the computers'
 *   interfaces, which makes the host's loopback routable from them: what the network is there
 *   to refuse.
 * - Pointing computers at the host's upstream servers (systemd-resolved's own resolv.conf) skips
 *   what the host's resolver knows (split DNS of a VPN, /etc/hosts via dnsmasq, a local zone) and
 *   does not exist with every resolver.
 * - A dnsmasq per host is another process and package to keep and clean up; this is ~100 lines
 *   that end with the host.
 * Only DNS passes: the forwarder's address takes port 53 and nothing else from computers (the
 * firewall rule in network.ts), and it only ever talks to the resolvers resolv.conf names.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { logger } from '../../shared/node/log.js';

const log = logger('dns');
const QUERY_TIMEOUT_MS = 5000;
const MAX_UDP_IN_FLIGHT = 256;

export interface ResolvConf {
  nameservers: string[];
  /** The other lines (search, options, domain), kept as they are. */
  rest: string[];
}

export function readResolvConf(path: string): ResolvConf {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    /* no resolver configured: nothing to forward */
  }
  const out: ResolvConf = { nameservers: [], rest: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^nameserver\s+(\S+)/.exec(line);
    if (m) out.nameservers.push(m[1]!);
    else if (/^(search|domain|options|sortlist)\s/.test(line)) out.rest.push(line);
  }
  return out;
}

export const isLoopback = (address: string) => /^127\./.test(address) || address === '::1';

/**
 * The computers' resolv.conf: the host's, with its loopback servers replaced by the forwarder
 * (once, in the first one's place, so the host's order of servers stays).
 */
export function computerResolvConf(host: ResolvConf, forwarder: string): string {
  const servers: string[] = [];
  for (const s of host.nameservers) {
    const next = isLoopback(s) ? forwarder : s;
    if (!servers.includes(next)) servers.push(next);
  }
  return ['# Written by the Orgo host: the host\'s resolver on its loopback is reached through the host (host/runtime/dns.ts).',
    ...servers.slice(0, 3).map((s) => `nameserver ${s}`), ...host.rest].join('\n') + '\n';
}

export class DnsForwarder {
  private udp?: UdpSocket;
  private tcp?: Server;
  private inFlight = 0;
  private readonly streams = new Set<Socket>();

  /** `upstreams`: the host's loopback resolvers, tried in order on UDP (TCP uses the first). */
  constructor(private readonly upstreams: string[]) {}

  async listen(address: string): Promise<void> {
    const udp = createSocket('udp4');
    const tcp = createServer((client) => {
      // DNS over TCP is length-prefixed messages on one stream: passed through as bytes.
      const upstream = connect(53, this.upstreams[0]!);
      client.pipe(upstream).pipe(client);
      this.streams.add(client);
      const end = () => {
        this.streams.delete(client);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end);
      client.on('error', end);
      upstream.on('error', end);
      client.setTimeout(QUERY_TIMEOUT_MS * 2, end);
    });
    await Promise.all([
      new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(53, address, () => {
          udp.off('error', reject);
          resolve();
        });
      }),
      new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(53, address, () => {
          tcp.off('error', reject);
          resolve();
        });
      }),
    ]).catch((e) => {
      udp.close();
      tcp.close();
      throw e;
    });
    udp.on('message', (query, from) => this.forward(query, from.address, from.port));
    udp.on('error', (e) => log.warn(`forwarder: ${e.message}`));
    this.udp = udp;
    this.tcp = tcp;
  }

  /** One upstream socket per query: its port is the query's, so no id bookkeeping is needed. */
  private forward(query: Buffer, address: string, port: number, attempt = 0): void {
    if (query.length < 12 || this.inFlight >= MAX_UDP_IN_FLIGHT) return; // not DNS, or a flood: dropped, as a busy resolver would
    this.inFlight++;
    const up = createSocket('udp4');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      clearTimeout(timer);
      up.close();
    };
    const timer = setTimeout(() => {
      finish();
      if (attempt + 1 < this.upstreams.length) this.forward(query, address, port, attempt + 1);
    }, QUERY_TIMEOUT_MS / this.upstreams.length);
    up.on('error', finish);
    up.on('message', (answer) => {
      // Only the answer to this query (same id) from the resolver asked.
      if (answer.length < 12 || answer.readUInt16BE(0) !== query.readUInt16BE(0)) return;
      finish();
      this.udp?.send(answer, port, address);
    });
    up.send(query, 53, this.upstreams[attempt]!);
  }

  close(): void {
    this.udp?.close();
    this.tcp?.close();
    for (const s of this.streams) s.destroy();
    this.udp = this.tcp = undefined;
  }
}
