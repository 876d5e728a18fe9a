/**
 * The host's settings for the kernel's same-page merging (host/runtime/page-sharing.ts), on a
 * directory laid out as /sys/kernel/mm/ksm: turned on when off, never against an unmerge order,
 * scanned in proportion to the computers, and nothing at all where the files cannot be written.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PageSharing } from '../../host/runtime/page-sharing.js';

const dirs: string[] = [];
function ksmDir(run: string): string {
  const d = mkdtempSync(join(tmpdir(), 'orgo-ksm-'));
  dirs.push(d);
  for (const [f, v] of Object.entries({ run, sleep_millisecs: '20', pages_to_scan: '100' })) writeFileSync(join(d, f), `${v}\n`);
  return d;
}
const read = (d: string, f: string) => readFileSync(join(d, f), 'utf8').trim();
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('page sharing across computers (KSM)', () => {
  it('turns merging on and scans in proportion to the computers running', () => {
    const d = ksmDir('0');
    const p = new PageSharing(d);
    expect(p.start()).toBe(true);
    expect(read(d, 'run')).toBe('1');
    expect(read(d, 'sleep_millisecs')).toBe('200');
    p.setComputers(0);
    const few = Number(read(d, 'pages_to_scan'));
    p.setComputers(3);
    expect(Number(read(d, 'pages_to_scan'))).toBe(few); // a few computers share the floor
    p.setComputers(200);
    const many = Number(read(d, 'pages_to_scan'));
    expect(many).toBe(2000); // 50 pages a second each, woken 5 times a second
    expect(many).toBeGreaterThan(few);
    p.setComputers(5000);
    expect(Number(read(d, 'pages_to_scan'))).toBe(2500); // the ceiling: about a tenth of a core
  });

  it('leaves an unmerge order (run = 2) alone and shares nothing', () => {
    const d = ksmDir('2');
    const p = new PageSharing(d);
    expect(p.start()).toBe(false);
    p.setComputers(100);
    expect([read(d, 'run'), read(d, 'sleep_millisecs'), read(d, 'pages_to_scan')]).toEqual(['2', '20', '100']);
  });

  it('without KSM (no such directory) shares nothing and does not throw', () => {
    const d = join(ksmDir('0'), 'absent');
    const p = new PageSharing(d);
    expect(p.start()).toBe(false);
    expect(p.enabled).toBe(false);
    expect(() => p.setComputers(10)).not.toThrow();
  });

  it('a read-only run file: nothing is shared', () => {
    const d = ksmDir('0');
    rmSync(join(d, 'run'));
    mkdirSync(join(d, 'run')); // reading it fails as a file KSM lacks would
    expect(new PageSharing(d).start()).toBe(false);
  });
});
