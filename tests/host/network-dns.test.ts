/**
 * Name lookups from inside a computer when the host's resolver is on the host's loopback (as
 * systemd-resolved's 127.0.0.53 or dnsmasq's 127.0.0.1 are), which the computer cannot reach:
 * the host forwards DNS for it (host/runtime/dns.ts). The host's resolver here is a small DNS
 * server of the test's on a loopback address, named by the resolv.conf the host is given
 * (ORGO_RESOLV_CONF); lookups over UDP (getent) and TCP reach it, the loopback itself stays
 * closed, and the host's close takes the forwarder's address away.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTag } from '../../host/runtime/network.js';
import { OrgoClient } from '../../shared/api/client.js';
import type { Computer } from '../../shared/api/types.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';
import { tempDataDir, TEST_KEY } from '../helpers/host.js';
import { startLoopbackResolver, type LoopbackResolver } from '../helpers/loopback-resolver.js';

const NAME = 'orgo-dns-hostcrash.test';
const dataDir = tempDataDir('orgo-dns-');
let resolver: LoopbackResolver;
let resolverAddress = '';
let answer = '';
let questions: LoopbackResolver['questions'] = [];
let host: HostProcess | undefined;
let client: OrgoClient;
let pc: Computer;

beforeAll(async () => {
  resolver = await startLoopbackResolver(NAME);
  ({ address: resolverAddress, answer, questions } = resolver);
  host = await startHostProcess(dataDir, { env: { ORGO_RESOLV_CONF: resolver.resolvConf(dataDir) } });
  client = new OrgoClient({ baseUrl: `${host.url}/api`, apiKey: TEST_KEY });
  const ws = await client.createWorkspace('dns');
  pc = await client.createComputer({ workspace_id: ws.id, name: 'dns' });
}, 120_000);

afterAll(async () => {
  await host?.close();
  resolver?.close();
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
