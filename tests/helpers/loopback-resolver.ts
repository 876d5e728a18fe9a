/**
 * A host's resolver on its loopback, as systemd-resolved's 127.0.0.53 or dnsmasq's 127.0.0.1 are:
 * a small DNS server (UDP and TCP) on a loopback address nobody else on this machine uses, that
 * knows one name, and the resolv.conf naming it that a host is given (ORGO_RESOLV_CONF), for the
 * tests of the host's DNS forwarder (host/runtime/dns.ts). It writes down every question.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface LoopbackResolver {
  address: string;
  /** The name it knows, and the IPv4 address it answers for it. */
  name: string;
  answer: string;
  questions: Array<{ name: string; over: 'udp' | 'tcp' }>;
  /** Writes a resolv.conf naming it (with the other lines systemd-resolved writes) into `dir`; answers its path. */
  resolvConf(dir: string): string;
  close(): void;
}

const rand = () => 1 + Math.floor(Math.random() * 250);

export async function startLoopbackResolver(name: string): Promise<LoopbackResolver> {
  const address = `127.${rand()}.${rand()}.${rand()}`;
  const answer = `203.0.113.${rand()}`;
  const questions: LoopbackResolver['questions'] = [];

  /** The answer to one query: A for `name`, an empty NOERROR for its other types, NXDOMAIN for other names. */
  const reply = (query: Buffer, over: 'udp' | 'tcp'): Buffer => {
    const labels: string[] = [];
    let at = 12;
    while (query[at]! > 0) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString());
      at += 1 + query[at]!;
    }
    const asked = labels.join('.').toLowerCase();
    const qtype = query.readUInt16BE(at + 1);
    const question = query.subarray(12, at + 5);
    questions.push({ name: asked, over });
    const known = asked === name;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // a response, recursion available; NXDOMAIN if unknown
    header.writeUInt16BE(1, 4);
    const records = known && qtype === 1 ? [Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...answer.split('.').map(Number)])] : [];
    header.writeUInt16BE(records.length, 6);
    return Buffer.concat([header, question, ...records]);
  };

  const udp = createSocket('udp4');
  udp.on('message', (q, from) => udp.send(reply(q, 'udp'), from.port, from.address));
  await new Promise<void>((r) => udp.bind(53, address, r));
  const tcp = createServer((s) => {
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
  await new Promise<void>((r) => tcp.listen(53, address, r));
  return {
    address,
    name,
    answer,
    questions,
    resolvConf: (dir) => {
      const path = join(dir, 'host-resolv.conf');
      writeFileSync(path, `# as systemd-resolved writes it\nnameserver ${address}\noptions edns0 trust-ad\nsearch .\n`);
      return path;
    },
    close: () => {
      udp.close();
      tcp.close();
    },
  };
}
