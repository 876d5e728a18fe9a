/**
 * Putting a file on a computer's desktop (/home/user/Desktop) from the host, running or not.
 *
 * The folder belongs to the computer's user, who may have replaced it or anything in it with a
 * symlink to somewhere on the host. So the host never writes through a name it does not control:
 * it opens Desktop itself with O_NOFOLLOW and works through that open folder
 * (/proc/self/fd/N/<name>, the openat of Node), creates a fresh temp file with O_EXCL, copies
 * the bytes into that open file, sets owner and mode on the open file, and then gives it its
 * final name with link(2), which fails rather than replace an existing file: never overwrite.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fchownSync, linkSync, lchownSync, mkdirSync, openSync, readlinkSync, realpathSync, unlinkSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../errors.js';
import { HOME_IN_COMPUTER } from './home-path.js';
import { numberedName } from './names.js';

/** The computer's user, as resources/sandbox/seed.py creates it. */
export const USER_UID = 1000;
export const USER_GID = 1000;
const MAX_NUMBER = 9999;

/**
 * A file being put on a desktop: a fresh hidden temp file in the opened Desktop folder, written
 * through `fd`, then given its name (`place`) or removed (`cancel`). An upload whose computer is
 * known before its bytes arrive writes them here as they come, beside the store's copy
 * (file-sink.ts), so the desktop's copy costs no second pass over the file at the end.
 */
export class DesktopDrop {
  private done = false;

  private constructor(
    private readonly dirFd: number,
    private readonly temp: string,
    /** The temp file, open for writing. */
    readonly fd: number,
  ) {}

  /** Opens the computer's Desktop (under `home`, the host's path of /home/user) and a temp file in it. */
  static open(home: string): DesktopDrop {
    const dirFd = openDesktop(home);
    const temp = `.orgo-upload-${randomBytes(8).toString('hex')}`;
    try {
      const fd = openSync(`/proc/self/fd/${dirFd}/${temp}`, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      return new DesktopDrop(dirFd, temp, fd);
    } catch (e) {
      closeSync(dirFd);
      throw e;
    }
  }

  /** Hands the written file to the computer's user as `name` (or "name (1)" ...); answers its path inside the computer. */
  place(name: string): string {
    if (this.done) throw new Error('This desktop drop is already placed or cancelled');
    try {
      fchownSync(this.fd, USER_UID, USER_GID);
      fchmodSync(this.fd, 0o644);
      return `${HOME_IN_COMPUTER}/Desktop/${linkUnderFreeName(`/proc/self/fd/${this.dirFd}`, this.temp, name)}`;
    } finally {
      this.cancel(); // the temp name goes; the file stays under its new one
    }
  }

  /** Removes the temp file (if it is still there) and closes what is open; safe to call again. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    try {
      unlinkSync(`/proc/self/fd/${this.dirFd}/${this.temp}`);
    } catch {
      /* already gone: the computer's user may tidy their desktop */
    }
    closeSync(this.fd);
    closeSync(this.dirFd);
  }
}

/** Copies `source` onto the desktop as `name` (or "name (1)" ...); answers the path inside the computer. */
export async function copyToDesktop(home: string, source: string, name: string): Promise<string> {
  const drop = DesktopDrop.open(home);
  try {
    // Reopening the open file through /proc needs no name lookup; the copy stays in the kernel.
    await copyFile(source, `/proc/self/fd/${drop.fd}`, constants.COPYFILE_FICLONE);
    return drop.place(name);
  } finally {
    drop.cancel();
  }
}

/** Opens /home/user/Desktop (making it, owned by the user, if missing); never through a symlink. */
function openDesktop(home: string): number {
  const path = join(home, 'Desktop');
  const open = () => openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    return checked(home, open());
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      try {
        mkdirSync(path, 0o755);
        lchownSync(path, USER_UID, USER_GID);
      } catch (m) {
        if ((m as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new ApiError(409, "The computer's disk is not ready yet; try again once it has started", 'disk_not_ready');
        }
        if ((m as NodeJS.ErrnoException).code !== 'EEXIST') throw m;
      }
      return checked(home, open());
    }
    if (code === 'ELOOP' || code === 'ENOTDIR') {
      throw new ApiError(409, `${HOME_IN_COMPUTER}/Desktop in the computer is not a folder (a link or a file); the file was not placed`, 'desktop_not_a_folder');
    }
    throw e;
  }
}

/** The opened Desktop must be the home's own child, as the host names it. */
function checked(home: string, fd: number): number {
  if (readlinkSync(`/proc/self/fd/${fd}`) !== join(realpathSync(home), 'Desktop')) {
    closeSync(fd);
    throw new ApiError(409, `${HOME_IN_COMPUTER}/Desktop changed while the file was being placed; try again`, 'desktop_changed');
  }
  return fd;
}

function linkUnderFreeName(dir: string, temp: string, name: string): string {
  for (let n = 0; n <= MAX_NUMBER; n++) {
    const candidate = numberedName(name, n);
    try {
      linkSync(`${dir}/${temp}`, `${dir}/${candidate}`);
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new ApiError(409, `The desktop already has ${MAX_NUMBER + 1} files named like ${name}`, 'name_taken');
}
