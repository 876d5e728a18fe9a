/**
 * Name lookups from inside a computer when the host's resolver is on the host's loopback (as
 * systemd-resolved's 127.0.0.53 or dnsmasq's 127.0.0.1 are), which the computer cannot reach:
 * the host forwards DNS for it (host/runtime/dns.ts). The host's resolver here is a small DNS
 * server of the test's on a loopback address, named by the resolv.conf the host is given
 * (ORGO_RESOLV_CONF); lookups over UDP (getent) and TCP reach it, the loopback itself stays
 * closed, and the host's close takes the forwarder's address away.
 */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTag } from '../../host/runtime/network.js';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';
import { tempDataDir, TEST_KEY } from '../helpers/host.js';

const NAME = 'orgo-dns-hostcrash.test';
const rand = () => 1 + Math.floor(Math.random() * 250);
/** An address of the host's loopback nobody else on this machine uses. */
const resolverAddress = `127.${rand()}.${rand()}.${rand()}`;
const answer = `203.0.113.${rand()}`;
const dataDir = tempDataDir('orgo-dns-');
const questions: Array<{ name: string; over: 'udp' | 'tcp' }> = [];
let udp: UdpSocket;
let tcp: Server;
let host: HostProcess | undefined;
let client: OrgoClient;
let pc: Computer;

/** The answer to one DNS query: A for NAME, an empty NOERROR for its other types, NXDOMAIN for other names. */
function reply(query: Buffer, over: 'udp' | 'tcp'): Buffer {
  const labels: string[] = [];
  let at = 12;
  while (query[at]! > 0) {
    labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString());
    at += 1 + query[at]!;
  }
  const name = labels.join('.').toLowerCase();
  const qtype = query.readUInt16BE(at + 1);
  const question = query.subarray(12, at + 5);
  questions.push({ name, over });
  const known = name === NAME;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // a response, recursion available; NXDOMAIN if unknown
  header.writeUInt16BE(1, 4);
  const records = known && qtype === 1 ? [Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...answer.split('.').map(Number)])] : [];
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, question, ...records]);
}

beforeAll(async () => {
  udp = createSocket('udp4');
  udp.on('message', (q, from) => udp.send(reply(q, 'udp'), from.port, from.address));
  await new Promise<void>((r) => udp.bind(53, resolverAddress, r));
  tcp = createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const r = reply(buf.subarray(2, 2 + buf.readUInt16BE(0)), 'tcp');
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        const len = Buffer.alloc(2);
        len.writeUInt16BE(r.length);
        s.write(Buffer.concat([len, r]));
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => tcp.listen(53, resolverAddress, r));
  const conf = join(dataDir, 'host-resolv.conf');
  writeFileSync(conf, `# as systemd-resolved writes it\nnameserver ${resolverAddress}\noptions edns0 trust-ad\nsearch .\n`);
  host = await startHostProcess(dataDir, { env: { ORGO_RESOLV_CONF: conf } });
  client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
  const ws = await client.createWorkspace('dns');
  pc = await client.createComputer({ workspace_id: ws.id, name: 'dns' });
}, 120_000);

afterAll(async () => {
  await host?.close();
  udp?.close();
  tcp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sh = async (command: string) => (await client.bash(pc.id, command, 30)).output;

describe('a computer whose host resolves names on its loopback', () => {
  it('resolves a name the host\'s resolver knows (getent, over UDP)', async () => {
    expect(await sh(`getent hosts ${NAME}`)).toMatch(new RegExp(`^${answer.replace(/\./g, '\\.')}\\s+${NAME}\\n$`));
    expect(questions.some((q) => q.name === NAME && q.over === 'udp')).toBe(true);
    // A name it does not know stays unknown (getent's 2), as on the host.
    expect(await sh('getent hosts no-such-name.hostcrash.test; echo rc=$?')).toContain('rc=2');
  });

  it('resolves over TCP too, through the server its resolv.conf names, which is not a loopback address', async () => {
    const conf = await sh('cat /etc/resolv.conf');
    const server = /^nameserver (\S+)$/m.exec(conf)?.[1];
    expect(server).toBeDefined();
    expect(server).not.toMatch(/^127\./);
    expect(conf).toContain('options edns0 trust-ad'); // the host's other lines are kept
    // One A query over TCP (length-prefixed), as a resolver falls back to for long answers.
    const py = `import socket,struct
q=struct.pack('>HHHHHH',4242,0x0100,1,0,0,0)+b''.join(bytes([len(l)])+l.encode() for l in '${NAME}'.split('.'))+b'\\0'+struct.pack('>HH',1,1)
s=socket.create_connection(('${server}',53),5);s.sendall(struct.pack('>H',len(q))+q)
n=struct.unpack('>H',s.recv(2))[0];r=b''
while len(r)<n:r+=s.recv(n-len(r))
print('.'.join(map(str,r[-4:])),struct.unpack('>H',r[6:8])[0])`;
    expect(await sh(`python3 -c "${py.replace(/"/g, '\\"')}"`)).toBe(`${answer} 1\n`);
    expect(questions.some((q) => q.name === NAME && q.over === 'tcp')).toBe(true);
  });

  it('still cannot reach the host\'s loopback, the resolver\'s address included', async () => {
    expect(await sh(`timeout 5 bash -c 'exec 3<>/dev/tcp/${resolverAddress}/53' 2>&1 && echo open || echo "failed $?"`)).toMatch(/Connection refused/);
  });

  it('the host\'s close takes the forwarder\'s address off its loopback', async () => {
    const label = `lo:og${hostTag(dataDir)}`;
    expect(execFileSync('ip', ['-o', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' })).toContain(label);
    await host!.close();
    host = undefined;
    expect(execFileSync('ip', ['-o', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' })).not.toContain(label);
  });
});
