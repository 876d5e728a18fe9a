/**
 * A network of its own for every computer: the computer's processes live in their own network
 * namespace (made by `unshare --net` with the others, so it vanishes with them, whatever kills
 * them), joined to the host by a veth pair and NAT.
 *
 * Why veth + NAT and not pasta or slirp4netns: those two open the computer's connections as
 * sockets of a host process, so every service listening on the host's other addresses (a
 * development server on 0.0.0.0, another host's API) stays reachable from inside, and only
 * 127.0.0.1 can be refused (`--disable-host-loopback`). With a veth every packet from a computer
 * arrives on an interface of ours, so one nftables rule refuses the host itself (all of its
 * addresses, both IP versions) and another refuses every other computer, of this host or of any
 * other host on the machine. It also costs no process per computer, no copy through user space,
 * and `tc` shapes the two ends of the pair directly.
 *
 * Layout (as Calico does it): inside, `eth0` holds one /32 from 198.18.0.0/15 (a range reserved
 * for benchmarks, never routed on the internet) with 169.254.1.1 as its gateway; the host's end
 * has no address, answers ARP for the gateway (proxy_arp) and routes the /32 to the computer.
 * Claiming the /32 route is atomic (`ip route add` fails if another host took it), so several
 * hosts on one machine never hand out the same address.
 *
 * Names: `og` + 5 hex of the data dir + 6 hex of the computer: unique per host data dir, at most
 * 13 bytes (IFNAMSIZ is 16). The host's firewall table is `inet orgo_<tag>`, made at host start
 * and deleted at host exit; a crashed host's table only matches interfaces that died with it,
 * and the next start on the same data dir replaces it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { logger } from '../../shared/node/log.js';
import { computerResolvConf, DnsForwarder, isLoopback, readResolvConf } from './dns.js';
import { run, runTool } from './run.js';

const log = logger('network');
const GATEWAY = '169.254.1.1';
/** 198.18.0.0/15: 131072 addresses, of which .0 and .255 of each /24 are skipped. */
const POOL_BASE = (198 << 24) | (18 << 16);
const POOL_SIZE = 1 << 17;

export function hostTag(dataDir: string): string {
  let dir = dataDir;
  try {
    dir = realpathSync(dataDir);
  } catch {
    /* not made yet: the given path */
  }
  return createHash('sha256').update(dir).digest('hex').slice(0, 5);
}

export interface ComputerLink {
  /** The host's end of the pair. */
  hostIf: string;
  /** The computer's address (on its `eth0`). */
  address: string;
}

function ipOf(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Bandwidth in both directions: the host's end shapes what the computer receives, the computer's end what it sends. */
function tbf(dev: string, mbps: number | null): string[] {
  if (!mbps) return ['qdisc', 'del', 'dev', dev, 'root'];
  // A burst of 10 ms at the rate (at least 16 KiB) keeps TCP close to the rate without bursts past it.
  const burst = Math.max(16 * 1024, Math.round((mbps * 1e6) / 8 / 100));
  return ['qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${mbps}mbit`, 'burst', String(burst), 'latency', '50ms'];
}

export class HostNetwork {
  readonly tag: string;
  readonly prefix: string;
  private readonly table: string;
  private ready?: Promise<void>;
  private dns?: { forwarder: DnsForwarder; address: string };
  /**
   * The computers' /etc/resolv.conf when the host's resolver is on its loopback (dns.ts), known
   * after init(); null when the host's resolv.conf serves computers as it is.
   */
  resolvConf: string | null = null;

  /** `resolvConfPath`: the host's resolver configuration (ORGO_RESOLV_CONF, for tests; else /etc/resolv.conf). */
  constructor(dataDir: string, private readonly resolvConfPath = process.env.ORGO_RESOLV_CONF || '/etc/resolv.conf') {
    this.tag = hostTag(dataDir);
    this.prefix = `og${this.tag}`;
    this.table = `orgo_${this.tag}`;
  }

  /** The label of this host's addresses on `lo` (the DNS forwarder's): attributable after a crash. */
  private get label(): string {
    return `lo:${this.prefix}`;
  }

  /** Forwarding on and this host's firewall table in place; once per host, before the first computer. */
  init(): Promise<void> {
    return (this.ready ??= this.setUp());
  }

  private async setUp(): Promise<void> {
    if (readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() !== '1') {
      // The computers' traffic is routed through the host; without this nothing leaves them.
      writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
      log.info('turned on IPv4 forwarding (net.ipv4.ip_forward=1) for the computers\' networks');
    }
    const dns = await this.startDns().catch((e) => {
      log.warn(`no DNS for computers (the host's resolver is on its loopback and the forwarder could not start): ${(e as Error).message}`);
      return null;
    });
    const ours = `"${this.prefix}*"`;
    const refuse = (match: string) => [
      `${match} meta l4proto tcp reject with tcp reset`,
      `${match} reject with icmpx type port-unreachable`,
    ];
    const rules = [
      `table inet ${this.table}`,
      `delete table inet ${this.table}`,
      `table inet ${this.table} {`,
      // The host itself, on every address it has, is not a computer's business.
      '  chain input { type filter hook input priority filter - 5; policy accept;',
      `    iifname ${ours} ct state established,related accept`,
      // Of the host, only the DNS forwarder (dns.ts), and only DNS.
      ...(dns ? [`    iifname ${ours} ip daddr ${dns} meta l4proto { tcp, udp } th dport 53 accept`] : []),
      ...refuse(`    iifname ${ours}`),
      '  }',
      '  chain forward { type filter hook forward priority filter - 5; policy accept;',
      // No computer reaches another, whichever host on this machine runs it.
      ...refuse(`    iifname ${ours} oifname "og*"`),
      `    oifname ${ours} ct state established,related accept`,
      `    oifname ${ours} drop`,
      '  }',
      '  chain postrouting { type nat hook postrouting priority srcnat; policy accept;',
      `    iifname ${ours} oifname != "og*" masquerade`,
      '  }',
      '}',
    ];
    await run('nft', ['-f', '-'], rules.join('\n') + '\n');
  }

  /**
   * When the host's resolv.conf names a loopback resolver: the forwarder on an address of this
   * host's own, claimed as computers claim theirs (an `ip route add` of its /32, which fails if
   * anyone has it), on `lo` with this host's label. Answers the address, or null when not needed.
   */
  private async startDns(): Promise<string | null> {
    const conf = readResolvConf(this.resolvConfPath);
    const upstreams = conf.nameservers.filter(isLoopback).filter((s) => s.includes('.'));
    if (!upstreams.length) return null;
    for (const address of this.candidates('dns')) {
      const added = await runTool('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo', 'label', this.label]);
      if (added.code !== 0) {
        if (/File exists/.test(added.stderr)) continue;
        throw new Error(`ip addr add ${address}: ${added.stderr.trim()}`);
      }
      if ((await runTool('ip', ['route', 'add', `${address}/32`, 'dev', 'lo'])).code !== 0) {
        await runTool('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo']);
        continue; // a computer of some host has it
      }
      const forwarder = new DnsForwarder(upstreams);
      try {
        await forwarder.listen(address);
      } catch (e) {
        await this.dropDnsAddress(address);
        throw e;
      }
      this.dns = { forwarder, address };
      this.resolvConf = computerResolvConf(conf, address);
      log.info(`the host's resolver is on its loopback (${upstreams.join(', ')}): computers ask it through ${address}`);
      return address;
    }
    throw new Error('no free address for the DNS forwarder');
  }

  private async dropDnsAddress(address: string): Promise<void> {
    await runTool('ip', ['route', 'del', `${address}/32`, 'dev', 'lo']);
    await runTool('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo']);
  }

  /** Host exit: the firewall table and the DNS forwarder go; the links went with their computers. */
  async close(): Promise<void> {
    if (!this.ready) return;
    await this.ready.catch(() => {});
    this.ready = undefined;
    await runTool('nft', ['delete', 'table', 'inet', this.table]);
    if (this.dns) {
      this.dns.forwarder.close();
      await this.dropDnsAddress(this.dns.address);
      this.dns = undefined;
      this.resolvConf = null;
    }
  }

  /** This host's addresses on `lo` (its DNS forwarder's), found by their label. */
  async loAddresses(): Promise<string[]> {
    const out = (await runTool('ip', ['-o', '-4', 'addr', 'show', 'dev', 'lo'])).stdout;
    const found: string[] = [];
    for (const line of out.split('\n')) {
      const words = line.replace(/\\/g, ' ').split(/\s+/);
      const inet = words.indexOf('inet');
      if (inet >= 0 && words.includes(this.label)) found.push(words[inet + 1]!.replace(/\/\d+$/, ''));
    }
    return found;
  }

  /**
   * At host start, before any computer of this host: what a host of this data dir that died
   * left, its firewall table and the host ends of its links (a link outlives its computer while
   * anything holds the computer's namespace; deleting one end deletes the pair, and the /32 route
   * and the tc qdiscs go with it). Only names with this data dir's tag are touched, never another
   * host's. Answers the links it deleted.
   */
  async clearLeftovers(): Promise<string[]> {
    await runTool('nft', ['delete', 'table', 'inet', this.table]);
    for (const address of await this.loAddresses()) await this.dropDnsAddress(address);
    const gone: string[] = [];
    for (const name of await this.links()) {
      if ((await runTool('ip', ['link', 'del', name])).code === 0) gone.push(name);
    }
    return gone;
  }

  /** This host's links on the host, by name (`ogTAGxxxxxx`). */
  async links(): Promise<string[]> {
    const out = (await runTool('ip', ['-o', 'link', 'show'])).stdout;
    const mine = new RegExp(`^\\d+: (${this.prefix}[0-9a-f]{6})[@:]`, 'gm');
    return [...out.matchAll(mine)].map((m) => m[1]!);
  }

  ifName(computerId: string): string {
    return this.prefix + createHash('sha256').update(computerId).digest('hex').slice(0, 6);
  }

  /**
   * Joins the network namespace of `pid` (a process that has just called unshare(CLONE_NEWNET))
   * to the host. Runs while the desktop starts; resolves once traffic flows.
   */
  async attach(pid: number, computerId: string, bandwidthMbps: number | null): Promise<ComputerLink> {
    await this.init();
    await waitForOwnNetns(pid);
    const hostIf = this.ifName(computerId);
    const likely = this.candidates(computerId)[0]!;
    // Two processes, as this runs beside the desktop's start: one `ip` on the host for the pair
    // and the route of the address it most likely gets, then one inside. The same few commands
    // whatever the number of computers: nothing here lists links, routes or rules.
    const pair = `link add ${hostIf} type veth peer name eth0 netns ${pid}\nlink set ${hostIf} up\n`;
    let made = await runTool('ip', ['-batch', '-'], `${pair}route add ${likely}/32 dev ${hostIf}\n`);
    // `ip -batch` stops at the first command that fails and names its line.
    let failedAt = made.code === 0 ? 0 : Number(/Command failed -:(\d+)/.exec(made.stderr)?.[1] ?? 1);
    if (failedAt === 1) {
      // A link left by a computer whose namespace has not gone yet is in the way: once more without it.
      await runTool('ip', ['link', 'del', hostIf]);
      made = await runTool('ip', ['-batch', '-'], `${pair}route add ${likely}/32 dev ${hostIf}\n`);
      failedAt = made.code === 0 ? 0 : Number(/Command failed -:(\d+)/.exec(made.stderr)?.[1] ?? 1);
    }
    if (failedAt === 1 || failedAt === 2) throw new Error(`ip link add ${hostIf}: ${made.stderr.trim()}`);
    if (failedAt === 3 && !/File exists/.test(made.stderr)) throw new Error(`ip route add ${likely}/32: ${made.stderr.trim()}`);
    for (const [key, value] of [['ipv4/conf', 'proxy_arp'], ['ipv4/conf', 'forwarding'], ['ipv6/conf', 'disable_ipv6']] as const) {
      writeFileSync(`/proc/sys/net/${key}/${hostIf}/${value}`, '1');
    }
    const inside = (address: string) =>
      run('nsenter', ['-t', String(pid), '-n', 'ip', '-batch', '-'], [
        'link set lo up',
        'link set eth0 up',
        `addr add ${address}/32 dev eth0`,
        `route add ${GATEWAY} dev eth0 scope link`,
        `route add default via ${GATEWAY} dev eth0`,
      ].join('\n') + '\n');
    // Another computer (of any host) has the likely address: the next free one of its candidates.
    const [address] = await Promise.all([failedAt === 3 ? this.claimAddress(hostIf, computerId) : likely, inside(likely)]);
    if (address !== likely) {
      // The new address goes on before the guessed one comes off: deleting an interface's last
      // address flushes its routes, the gateway's with them, and the default route would then
      // be refused ("Nexthop has invalid gateway": density's run met it at its first collision).
      await run('nsenter', ['-t', String(pid), '-n', 'ip', '-batch', '-'], [
        `addr add ${address}/32 dev eth0`,
        `addr del ${likely}/32 dev eth0`,
        `route replace ${GATEWAY} dev eth0 scope link`,
        `route replace default via ${GATEWAY} dev eth0`,
      ].join('\n') + '\n');
    }
    if (bandwidthMbps) await this.setBandwidth(pid, hostIf, bandwidthMbps);
    return { hostIf, address };
  }

  /** Limits both directions to `mbps` (null: no limit). Live. */
  async setBandwidth(pid: number, hostIf: string, mbps: number | null): Promise<void> {
    const strict = mbps ? run : runTool; // deleting a qdisc that is not there is fine
    await Promise.all([
      strict('tc', tbf(hostIf, mbps)),
      strict('nsenter', ['-t', String(pid), '-n', 'tc', ...tbf('eth0', mbps)]),
    ]);
  }

  /** The link goes with the computer's namespace; this only makes sure of it. */
  async detach(computerId: string): Promise<void> {
    await runTool('ip', ['link', 'del', this.ifName(computerId)]);
  }

  /** The addresses a computer tries, in order: from a hash of the host's tag and its id. */
  candidates(computerId: string): string[] {
    const out: string[] = [];
    let n = parseInt(createHash('sha256').update(`${this.tag}/${computerId}`).digest('hex').slice(0, 8), 16) % POOL_SIZE;
    for (let attempt = 0; out.length < 64 && attempt < 200; attempt++, n = (n + 7919) % POOL_SIZE) {
      if ((n & 255) !== 0 && (n & 255) !== 255) out.push(ipOf(POOL_BASE + n));
    }
    return out;
  }

  private async claimAddress(hostIf: string, computerId: string): Promise<string> {
    for (const address of this.candidates(computerId)) {
      const r = await runTool('ip', ['route', 'add', `${address}/32`, 'dev', hostIf]);
      if (r.code === 0) return address;
      if (!/File exists/.test(r.stderr)) throw new Error(`ip route add ${address}/32: ${r.stderr.trim()}`);
    }
    throw new Error('no free address for the computer\'s network');
  }
}

/** `unshare` switches namespaces right after it starts; the veth must not land in the host's. */
async function waitForOwnNetns(pid: number): Promise<void> {
  const mine = readlinkSync('/proc/self/ns/net');
  const deadline = Date.now() + 5000;
  for (;;) {
    let theirs: string;
    try {
      theirs = readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      throw new Error('the computer ended before its network was set up');
    }
    if (theirs !== mine) return;
    if (Date.now() > deadline) throw new Error('the computer\'s network namespace did not appear');
    await new Promise((r) => setTimeout(r, 1));
  }
}
