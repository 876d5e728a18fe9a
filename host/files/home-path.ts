/**
 * Opening a file of a computer from the host, confined to the computer's /home/user.
 *
 * The computer's /home/user is a host folder (bind-mounted into the computer), so the host can
 * read it whether the computer runs or not. But its symlinks mean what they mean INSIDE the
 * computer: `/etc` in a link is the computer's /etc, and following it on the host would read the
 * host's. So the path is walked one component at a time as the computer sees it, with lstat on
 * the host folder, links resolved by hand against the computer's root; anything that leaves
 * /home/user is refused. The final open uses O_NOFOLLOW and is checked once more through
 * /proc/self/fd, so a link swapped in between the walk and the open cannot widen the reach.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ApiError, badRequest } from '../errors.js';

export const HOME_IN_COMPUTER = '/home/user';
const HOME_PARTS = ['home', 'user'];
/** As Linux's own limit on links followed while resolving one path. */
const MAX_LINKS = 40;
/** Linux's longest file name, in bytes. */
const NAME_MAX = 255;
const tooLong = () => badRequest('The path is too long for the file system (4096 bytes at most, links resolved)', 'name_too_long');

const outside = (path: string) =>
  new ApiError(403, `Only files under ${HOME_IN_COMPUTER} can be exported; ${JSON.stringify(path)} is outside it`, 'path_outside_home');
const missing = (path: string) => new ApiError(404, `No such file in the computer: ${path}`, 'not_found');
const isFolder = (path: string) =>
  badRequest(`${path} is a folder; export files one at a time (folders are not exported)`, 'is_a_folder');

export interface Resolved {
  /** The same file as the computer names it, links resolved: /home/user/... */
  computerPath: string;
  hostPath: string;
  stats: Stats;
}

const inHome = (at: string[]) => at.length >= 2 && at[0] === HOME_PARTS[0] && at[1] === HOME_PARTS[1];
const onTheWayHome = (at: string[]) => at.length < 2 && at.every((c, i) => c === HOME_PARTS[i]);

/** Resolves `path` (absolute, or relative to /home/user, or `~/...`) without leaving the home. */
export function resolveInHome(home: string, path: string): Resolved {
  if (!path) throw badRequest('path is required');
  if (path.includes('\0')) throw badRequest('path must not contain NUL characters');
  const full = path === '~' || path.startsWith('~/') ? HOME_IN_COMPUTER + path.slice(1) : path.startsWith('/') ? path : `${HOME_IN_COMPUTER}/${path}`;
  const queue = full.split('/');
  // Linux refuses a name over 255 bytes (ENAMETOOLONG): say so about the path given.
  if (queue.some((c) => Buffer.byteLength(c) > NAME_MAX)) throw badRequest(`A part of the path is longer than ${NAME_MAX} bytes, which no file name can be`, 'name_too_long');
  const at: string[] = [];
  let stats: Stats | undefined;
  let links = 0;
  while (queue.length) {
    const c = queue.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      at.pop();
      stats = undefined;
      continue;
    }
    at.push(c);
    if (!inHome(at)) {
      if (onTheWayHome(at)) continue;
      throw outside(path);
    }
    if (at.length === 2) {
      stats = undefined; // the home itself: a folder, the mount point
      continue;
    }
    const hostPath = join(home, ...at.slice(2));
    try {
      stats = lstatSync(hostPath);
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw missing(path);
      if ((e as NodeJS.ErrnoException).code === 'ENAMETOOLONG') throw tooLong();
      throw e;
    }
    if (stats.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw badRequest(`Too many levels of symbolic links in ${path}`, 'too_many_links');
      const target = readlinkSync(hostPath);
      at.pop();
      if (target.startsWith('/')) at.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    if (!stats.isDirectory() && queue.some((q) => q !== '' && q !== '.')) throw missing(path);
  }
  if (!inHome(at)) throw outside(path);
  if (!stats) throw isFolder(path);
  return { computerPath: '/' + at.join('/'), hostPath: join(home, ...at.slice(2)), stats };
}

export interface OpenedFile {
  fd: number;
  size: number;
  computerPath: string;
}

/** Opens a regular file under the computer's home for reading; the caller closes `fd`. */
export function openInHome(home: string, path: string): OpenedFile {
  const r = resolveInHome(home, path);
  if (r.stats.isDirectory()) throw isFolder(path);
  // Devices, FIFOs and sockets: opening them can block or act; a computer has no business exporting them.
  if (!r.stats.isFile()) throw badRequest(`${path} is not a regular file`, 'not_a_file');
  let fd: number;
  try {
    fd = openSync(r.hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw outside(path); // became a link since the walk
    if (code === 'ENOENT' || code === 'ENOTDIR') throw missing(path);
    if (code === 'ENAMETOOLONG') throw tooLong();
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw badRequest(`${path} is not a regular file`, 'not_a_file');
    // What was actually opened, as the host names it: must still be inside the home folder.
    const real = readlinkSync(`/proc/self/fd/${fd}`);
    if (!real.startsWith(realpathSync(home) + '/')) throw outside(path);
    return { fd, size: st.size, computerPath: r.computerPath };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
