/**
 * What a host of before the wider tag left (names with the data dir's 5-hex tag: network.ts
 * legacyHostTag): its link, its firewall table and its DNS forwarder's address on `lo` are
 * removed by the first host of now on that data dir, as its own would be; things of the same
 * shape under another data dir's tag stay.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { hostTag, legacyHostTag } from '../../host/runtime/network.js';
import { startHostProcess, type HostProcess } from '../helpers/host-process.js';
import { eventually, tempDataDir } from '../helpers/host.js';

const dataDir = tempDataDir('orgo-legacytag-');
const other = tempDataDir('orgo-legacytag-other-');
const old = legacyHostTag(dataDir);
const otherOld = legacyHostTag(other);
const n = 1 + Math.floor(Math.random() * 250);
/** A forwarder's address as such a host had it, labelled with its tag (from TEST-NET-1, never a computer's here). */
const address = `192.0.2.${n}`;
const otherAddress = `192.0.2.${n + 1}`;
let host: HostProcess | undefined;

const sh = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
};
const link = (tag: string) => `og${tag}abc123`;
const present = (tag: string, addr: string) => ({
  link: sh('ip', ['-o', 'link', 'show', 'dev', link(tag)]).includes(link(tag)),
  table: sh('nft', ['list', 'table', 'inet', `orgo_${tag}`]).includes(`orgo_${tag}`),
  lo: sh('ip', ['-o', '-4', 'addr', 'show', 'dev', 'lo']).includes(`${addr}/32`),
});

function leaveAsOldHost(tag: string, addr: string): void {
  execFileSync('ip', ['link', 'add', link(tag), 'type', 'veth', 'peer', 'name', `og${tag}peer01`]);
  execFileSync('nft', ['add', 'table', 'inet', `orgo_${tag}`]);
  execFileSync('ip', ['addr', 'add', `${addr}/32`, 'dev', 'lo', 'label', `lo:og${tag}`]);
}

afterAll(async () => {
  await host?.close();
  for (const [tag, addr] of [[old, address], [otherOld, otherAddress]] as const) {
    sh('ip', ['link', 'del', link(tag)]);
    sh('nft', ['delete', 'table', 'inet', `orgo_${tag}`]);
    sh('ip', ['addr', 'del', `${addr}/32`, 'dev', 'lo']);
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
}, 60_000);

describe('leftovers named with the old 5-hex tag', () => {
  it('are cleared by the next host on their data dir, and another data dir\'s stay', async () => {
    expect(old).toMatch(/^[0-9a-f]{5}$/);
    expect(hostTag(dataDir)).toMatch(/^[0-9a-z]{7}$/);
    leaveAsOldHost(old, address);
    leaveAsOldHost(otherOld, otherAddress);
    expect(present(old, address)).toEqual({ link: true, table: true, lo: true });
    host = await startHostProcess(dataDir);
    await eventually(() => present(old, address), (p) => !p.link && !p.table && !p.lo, 20_000, 'the old names to go');
    expect(present(otherOld, otherAddress)).toEqual({ link: true, table: true, lo: true });
  }, 60_000);
});
