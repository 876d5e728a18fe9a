/**
 * A small loop-mounted ext4 file system, for filling a host's disk on purpose. Always unmounted
 * (and its loop device freed) by `close`, also after a failed test; names carry `hardening`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface LoopFs {
  mountPoint: string;
  close(): void;
}

export function mountLoopFs(megabytes: number): LoopFs {
  const dir = mkdtempSync('/tmp/orgo-hardening-fs-');
  const image = join(dir, 'disk.img');
  const mountPoint = join(dir, 'm');
  mkdirSync(mountPoint);
  execFileSync('truncate', ['-s', `${megabytes}M`, image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
  execFileSync('mount', ['-o', 'loop', image, mountPoint]);
  let closed = false;
  return {
    mountPoint,
    close() {
      if (closed) return;
      closed = true;
      try {
        execFileSync('umount', [mountPoint]);
      } catch {
        execFileSync('umount', ['-l', mountPoint]); // something still held it: detach lazily
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether anything is still mounted under `path` (for the leftovers check). */
export function mountedUnder(path: string): boolean {
  return execFileSync('cat', ['/proc/mounts'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[1]?.startsWith(path));
}
