/**
 * The computers' disk images on their own (host/runtime/disk.ts), with real images, loop devices
 * and e2fsprogs: which images may skip e2fsck (only those the superblock says were cleanly
 * unmounted; an image a crash left is checked and keeps its files), and the pool of spare images
 * that makes creating a computer a rename and a mount move (a spare becomes the computer's,
 * writable; what a killed host left is cleared by the next; closing leaves no mount behind).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanlyUnmounted, isMounted, makeImage, mountImage, SpareImages, unmountImage } from '../../host/runtime/disk.js';
import { mountedUnder } from '../helpers/loop-fs.js';
import { tempDataDir } from '../helpers/host.js';

let dir: string;
beforeAll(() => {
  dir = tempDataDir('orgo-density-disks-');
});
afterAll(() => {
  // Whatever a failed test left mounted under the folder goes first (innermost first).
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir));
  for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

const superblockState = (image: string) => execFileSync('dumpe2fs', ['-h', image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

describe('the clean flag', () => {
  it('a cleanly unmounted image skips e2fsck; mounted, errored or not ext4 does not', async () => {
    const image = join(dir, 'clean.img');
    const at = join(dir, 'clean');
    await makeImage(image, 1);
    expect(cleanlyUnmounted(image)).toBe(true);
    await mountImage(image, at);
    writeFileSync(join(at, 'kept.txt'), 'kept\n');
    // Mounted: ext4 marks its journal as needing recovery until a clean unmount.
    expect(cleanlyUnmounted(image)).toBe(false);
    await unmountImage(at);
    expect(cleanlyUnmounted(image)).toBe(true);
    // The error bit, as ext4 sets it after an error it could not take back.
    execFileSync('debugfs', ['-w', '-R', 'ssv state 3', image], { stdio: 'ignore' });
    expect(superblockState(image)).toMatch(/Filesystem state:\s+clean with errors/);
    expect(cleanlyUnmounted(image)).toBe(false);
    // mountImage repairs it before mounting, and the file is there.
    await mountImage(image, at);
    expect(readFileSync(join(at, 'kept.txt'), 'utf8')).toBe('kept\n');
    await unmountImage(at);
    expect(cleanlyUnmounted(image)).toBe(true);

    writeFileSync(join(dir, 'not-ext4.img'), Buffer.alloc(4096, 7));
    expect(cleanlyUnmounted(join(dir, 'not-ext4.img'))).toBe(false);
    expect(cleanlyUnmounted(join(dir, 'missing.img'))).toBe(false);
  });

  it('an image left by a crash (copied while mounted, as a power cut leaves it) is checked, and keeps what was synced', async () => {
    const image = join(dir, 'live.img');
    const at = join(dir, 'live');
    await makeImage(image, 1);
    await mountImage(image, at);
    writeFileSync(join(at, 'before-crash.txt'), 'synced\n');
    execFileSync('sync', ['-f', join(at, 'before-crash.txt')]);
    const crashed = join(dir, 'crashed.img');
    execFileSync('cp', ['--sparse=always', image, crashed]);
    await unmountImage(at);
    expect(cleanlyUnmounted(crashed)).toBe(false);
    const back = join(dir, 'crashed');
    await mountImage(crashed, back);
    expect(readFileSync(join(back, 'before-crash.txt'), 'utf8')).toBe('synced\n');
    await unmountImage(back);
    // e2fsck replayed the journal before the mount: the image is clean again.
    expect(cleanlyUnmounted(crashed)).toBe(true);
  });
});

describe('spare images', () => {
  const spares = () => readdirSync(join(dir, 'pool')).filter((n) => n.startsWith('spare-'));

  it('a spare becomes the computer\'s image, mounted and writable; other sizes are made as before', async () => {
    mkdirSync(join(dir, 'pool'));
    const pool = new SpareImages(join(dir, 'pool'), 1, 2);
    try {
      await eventually(() => spares().filter((n) => n.endsWith('.img')).length === 2);
      const image = join(dir, 'pool', 'computer-a.img');
      const disk = join(dir, 'computer-a');
      expect(await pool.take(image, disk, 1)).toBe(true);
      expect(isMounted(disk)).toBe(true);
      writeFileSync(join(disk, 'mine.txt'), 'mine\n');
      // The loop device follows the file under its new name (growImage finds it by that name).
      expect(execFileSync('losetup', ['-n', '-O', 'NAME', '-j', image], { encoding: 'utf8' }).trim()).toMatch(/^\/dev\/loop\d+$/);
      expect(existsSync(image)).toBe(true);
      expect(await pool.take(join(dir, 'pool', 'big.img'), join(dir, 'big'), 2)).toBe(false);
      // The pool fills up again behind the take.
      await eventually(() => spares().filter((n) => n.endsWith('.img')).length === 2);
      await unmountImage(disk);
      await mountImage(image, disk);
      expect(readFileSync(join(disk, 'mine.txt'), 'utf8')).toBe('mine\n');
      await unmountImage(disk);
    } finally {
      await pool.close();
    }
    expect(spares()).toEqual([]);
    expect(mountedUnder(join(dir, 'pool'))).toBe(false);
  });

  it('what a killed host left (a mounted spare) is cleared by the next pool on the same folder', async () => {
    const pool = join(dir, 'pool');
    const image = join(pool, 'spare-1-0.img');
    const mnt = join(pool, 'spare-1-0.mnt');
    await makeImage(image, 1);
    await mountImage(image, mnt);
    const next = new SpareImages(pool, 1, 1);
    try {
      await eventually(() => !existsSync(mnt) && !existsSync(image) && spares().filter((n) => n.endsWith('.img')).length === 1);
      expect(isMounted(mnt)).toBe(false);
    } finally {
      await next.close();
    }
    expect(spares()).toEqual([]);
    expect(mountedUnder(pool)).toBe(false);
  });
});

async function eventually(ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
