/**
 * One host per data dir at a time. The host's crash cleanup (leftovers.ts) removes everything
 * its data dir's names point at (processes, mounts, links, cgroups), which is only right when no
 * other host is using that data dir at the same moment: this lock is what makes it so.
 *
 * `DATA_DIR/host.lock` holds the pid and start time of the host's process (processes.ts). A lock
 * whose process is gone is a host that died without closing: the next host takes it over and
 * `crashed` says so. A lock of this very process with no host of it open (a host object that was
 * dropped without close) counts as gone too.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { livePid, markOf } from './processes.js';

const open = new Set<string>();

export interface HostLock {
  /** A host had this data dir and ended without closing (killed, crashed, power lost). */
  crashed: boolean;
  release(): void;
}

export function lockDataDir(dataDir: string): HostLock {
  const file = join(dataDir, 'host.lock');
  const mine = markOf(process.pid);
  let crashed = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, mine);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
    }
    let held = '';
    try {
      held = readFileSync(file, 'utf8');
    } catch {
      /* released meanwhile */
    }
    const holder = livePid(held);
    if (holder !== null && (holder !== process.pid || open.has(dataDir))) {
      throw new Error(`another host (pid ${holder}) is using the data dir ${dataDir}; stop it first, or choose another --data-dir`);
    }
    crashed ||= held !== '';
    rmSync(file, { force: true });
  }
  open.add(dataDir);
  return {
    crashed,
    release: () => {
      open.delete(dataDir);
      try {
        if (readFileSync(file, 'utf8') === mine) rmSync(file, { force: true });
      } catch {
        /* gone already */
      }
    },
  };
}
