/**
 * A disk of its own per computer, so that `disk_size_gb` holds: a sparse file holding an ext4
 * filesystem of that size (`DATA_DIR/disks/ID.img`), loop-mounted on the computer's disk folder
 * in the host's mount namespace for as long as the host runs. Everything the computer writes
 * (its layer over the base system, /home/user, /root, /opt) is in it, so a fill stops at the size
 * with "No space left on device" inside, and nothing else on the host runs out.
 *
 * Why an image and not ext4 project quotas: quotas need the `project` and `quota` features set
 * while the filesystem is unmounted and a `prjquota` mount, which a host's root filesystem (as
 * here) rarely has; an image works on any filesystem. Mounted on the host rather than inside
 * the computer because the files API reads a stopped computer's home too. `discard` returns
 * deleted blocks to the host (the loop driver punches holes), so the image costs what is used.
 *
 * Growing is live: the file grows, the loop device rereads its size and ext4 grows online.
 * A clone copies the image with `cp --sparse=always --reflink=auto`: instant where the host's
 * filesystem has reflinks (btrfs, XFS), the used blocks only elsewhere (ext4).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { run, runTool } from './run.js';

const GB = 1024 ** 3;

function unescapeMount(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The options of what is mounted on `dir`, else null: the mount's own (mountinfo's field 6) and
 * its filesystem's (the super options after the ` - ` separator). Both matter: ext4 turning
 * itself read-only after a write error (errors=remount-ro) shows only in the second.
 */
function mountOptions(dir: string): string[] | null {
  for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = l.split(' ');
    if (f[4] === undefined || unescapeMount(f[4]) !== dir) continue;
    const superOptions = l.split(' - ')[1]?.split(' ')[2] ?? '';
    return [...(f[5] ?? '').split(','), ...superOptions.split(',')];
  }
  return null;
}

export function isMounted(dir: string): boolean {
  return mountOptions(dir) !== null;
}

/** Mount points at or below `dir` in this mount namespace, deepest first (the order to unmount them in). */
export function mountsUnder(dir: string): string[] {
  const out = new Set<string>();
  for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const point = l.split(' ')[4];
    if (point === undefined) continue;
    const p = unescapeMount(point);
    if (p === dir || p.startsWith(`${dir}/`)) out.add(p);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Lets go of a mount a host that died left: thawed first (a host killed while it copied a
 * running computer's disk for a clone left it frozen, and every write in it waiting), then
 * unmounted; the loop device under it goes with it (autoclear).
 */
export async function releaseMount(dir: string): Promise<void> {
  await runTool('fsfreeze', ['-u', dir]);
  // Mounted more than once on the same folder (a spare moved onto a disk that was mounted): each goes.
  for (let i = 0; i < 4 && isMounted(dir); i++) await unmountImage(dir);
}

/**
 * Whether the image's ext4 superblock says it was cleanly unmounted and has nothing to repair,
 * which is what `e2fsck -p` reads to say "clean" and stop: the clean bit set; no error bit and
 * no recorded errors; no journal to replay (ext4 sets RECOVER while mounted and clears it at a
 * clean unmount, so a crash leaves it set); no orphans waiting; no periodic check due. Anything
 * else, or a superblock that cannot be read, goes to e2fsck.
 */
export function cleanlyUnmounted(image: string): boolean {
  const sb = Buffer.alloc(1024);
  let fd: number | undefined;
  try {
    fd = openSync(image, 'r');
    if (readSync(fd, sb, 0, 1024, 1024) !== 1024) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const VALID_FS = 1, ERROR_FS = 2, ORPHAN_FS = 4; // s_state
  const INCOMPAT_RECOVER = 0x4;
  const RO_COMPAT_ORPHAN_PRESENT = 0x10000;
  const state = sb.readUInt16LE(0x3a);
  const mounts = sb.readUInt16LE(0x34), maxMounts = sb.readInt16LE(0x36);
  const lastCheck = sb.readUInt32LE(0x40), interval = sb.readUInt32LE(0x44);
  return sb.readUInt16LE(0x38) === 0xef53
    && (state & VALID_FS) !== 0 && (state & (ERROR_FS | ORPHAN_FS)) === 0
    && sb.readUInt32LE(0x194) === 0 // s_error_count
    && (sb.readUInt32LE(0x60) & INCOMPAT_RECOVER) === 0
    && (sb.readUInt32LE(0x64) & RO_COMPAT_ORPHAN_PRESENT) === 0
    && !(maxMounts > 0 && mounts >= maxMounts)
    && !(interval > 0 && Date.now() / 1000 - lastCheck >= interval);
}

/**
 * Repairs what a host crash or a full host disk left in an image (ext4 remounts itself read-only
 * after a write error it cannot take back). A cleanly unmounted image (the superblock's clean
 * flag, above) skips e2fsck, whose process costs tens of ms under load in every start, unless
 * it is `suspect` (it went read-only while mounted: its superblock may not have been written).
 */
async function repair(image: string, suspect: boolean): Promise<void> {
  if (!suspect && cleanlyUnmounted(image)) return;
  // e2fsck: 0 clean, 1 fixed, 2 fixed (reboot advised), 4+ left uncorrected.
  if (((await runTool('e2fsck', ['-p', image])).code ?? 8) < 4) return;
  const y = await runTool('e2fsck', ['-y', image]);
  if ((y.code ?? 8) >= 4) throw new Error(`the disk image has errors e2fsck could not repair: ${(y.stdout + y.stderr).trim().split('\n').pop()}`);
}

/** A new, empty image of `sizeGb` (sparse: costs a few MB until written). */
export async function makeImage(image: string, sizeGb: number): Promise<void> {
  const tmp = `${image}.new`;
  rmSync(tmp, { force: true });
  mkdirSync(image.slice(0, image.lastIndexOf('/')), { recursive: true, mode: 0o700 });
  await run('truncate', ['-s', String(sizeGb * GB), tmp]);
  // No reserved blocks (the computer's root is the only user); lazy init keeps it ~70 ms.
  await run('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', 'lazy_itable_init=1,lazy_journal_init=1,nodiscard,root_owner=0:0', tmp]);
  renameSync(tmp, image);
}

export async function mountImage(image: string, dir: string): Promise<void> {
  const options = mountOptions(dir);
  if (options && !options.includes('ro')) return;
  // Read-only after a write error (the host's disk was full): let go of it, repair, mount afresh.
  if (options) await unmountImage(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await repair(image, options !== null);
  await run('mount', ['-o', 'loop,discard,noatime', image, dir]);
}

/**
 * `mount -o loop` for an image nothing has ever mounted (a spare just made), without its scan:
 * util-linux first looks through every attached loop device for one already on the same file
 * (with 300 attached, 1,951 stats, 960 opens and 313 ioctls per mount; it grows with every
 * computer), which put the spares behind the creates at a thousand computers. Here the kernel's
 * free device is attached (`losetup -f`), mounted, then detached, which for a mounted device sets
 * autoclear: it goes at the last unmount, as with `mount -o loop`. That check only matters for an
 * image that may still be attached from an earlier mount, so every other mount keeps `-o loop`.
 */
async function mountNewImage(image: string, dir: string): Promise<void> {
  const dev = (await run('losetup', ['-f', '--show', image])).trim();
  try {
    await run('mount', ['-o', 'discard,noatime', dev, dir]);
  } finally {
    // Mounted: autoclear from here on. Not mounted (the mount failed): the device goes at once.
    await runTool('losetup', ['-d', dev]);
  }
}

export async function unmountImage(dir: string): Promise<void> {
  if (!isMounted(dir)) return;
  const r = await runTool('umount', [dir]);
  // A computer's namespace that has not let go yet: detach; the loop device goes with the last user.
  if (r.code !== 0) await run('umount', ['-l', dir]);
}

/**
 * Grows the image, and its filesystem: online where the host may (CAP_SYS_RESOURCE, which
 * containers often lack), else offline right away when `busy` is false (the computer is
 * stopped), else at the computer's next start (`fitFilesystem`).
 */
export async function growImage(image: string, dir: string, sizeGb: number, busy: boolean): Promise<'now' | 'next_start'> {
  if (statSync(image).size < sizeGb * GB) await run('truncate', ['-s', String(sizeGb * GB), image]);
  const dev = (await run('losetup', ['-n', '-O', 'NAME', '-j', image])).trim().split('\n')[0];
  if (dev) {
    await run('losetup', ['-c', dev]);
    const online = await runTool('resize2fs', [dev]);
    if (online.code === 0) return 'now';
    if (!/Permission denied|Operation not permitted/.test(online.stderr)) throw new Error(`resize2fs: ${online.stderr.trim()}`);
  }
  if (busy) return 'next_start';
  await fitFilesystem(image, dir);
  return 'now';
}

/** Block count × block size of the image's filesystem. */
async function filesystemBytes(image: string): Promise<number> {
  const out = await run('dumpe2fs', ['-h', image]);
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(out)?.[1] ?? NaN);
  return field('Block count') * field('Block size');
}

/** Offline: makes the filesystem as big as its image, if a grow is pending. Unmounts and remounts. */
export async function fitFilesystem(image: string, dir: string): Promise<boolean> {
  if ((await filesystemBytes(image)) >= statSync(image).size) return false;
  await unmountImage(dir);
  // resize2fs insists on a freshly checked filesystem.
  const fsck = await runTool('e2fsck', ['-f', '-p', image]);
  if (fsck.code !== null && fsck.code > 1) throw new Error(`e2fsck: ${(fsck.stdout + fsck.stderr).trim()}`);
  await run('resize2fs', [image]);
  await mountImage(image, dir);
  return true;
}

/**
 * Copies an image. `freeze` (a mounted source) holds the source's writes for the copy, so the
 * copy is one consistent moment of it (as a snapshot is), and then lets them go.
 */
export async function copyImage(from: string, to: string, mountedAt: string | null): Promise<void> {
  const tmp = `${to}.new`;
  rmSync(tmp, { force: true });
  if (mountedAt) await run('fsfreeze', ['-f', mountedAt]);
  try {
    await run('cp', ['--sparse=always', '--reflink=auto', from, tmp]);
  } finally {
    if (mountedAt) await run('fsfreeze', ['-u', mountedAt]);
  }
  renameSync(tmp, to);
}

export function imageExists(image: string): boolean {
  return existsSync(image);
}

/**
 * A few formatted images of the default size kept ready and already mounted, so that creating
 * a computer waits for neither mkfs nor the loop device's setup (together ~300 ms under load):
 * taking one is a rename of its file and a `mount --move` of its mount onto the computer's disk
 * folder. The pool refills one image at a time, off the create path.
 *
 * Spares live as `spare-N.img` mounted on `spare-N.mnt` in the disks folder; a host that died
 * leaves them, and the next one on the same data dir unmounts and deletes them before making its
 * own (no computer's data is ever in a spare: it becomes a computer's by the rename first).
 */
export class SpareImages {
  private readonly ready: string[] = [];
  private filling: Promise<void> | null = null;
  /** The take waiting for the spare being made (at most one), and how to hand it over. */
  private awaited: Promise<string | undefined> | null = null;
  private onMade: ((image: string | undefined) => void) | null = null;
  private readonly cleared: Promise<void>;
  private next = 0;
  private closed = false;
  /** The last try to make one failed (no loop devices, no mkfs): nobody waits for the next. */
  private failed = false;

  constructor(
    private readonly dir: string,
    private readonly sizeGb: number,
    private readonly depth = 4,
  ) {
    this.cleared = this.clearLeftovers().catch(() => {});
    this.fill();
  }

  private async clearLeftovers(): Promise<void> {
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith('spare-')) continue;
      const path = `${this.dir}/${name}`;
      if (name.endsWith('.mnt')) {
        await unmountImage(path);
        rmSync(path, { recursive: true, force: true });
      } else rmSync(path, { force: true });
    }
  }

  private fill(): void {
    if (this.filling || this.closed) return;
    this.filling = (async () => {
      await this.cleared;
      while (!this.closed && this.ready.length < this.depth) {
        const image = `${this.dir}/spare-${process.pid}-${this.next++}.img`;
        const mnt = image.replace(/\.img$/, '.mnt');
        try {
          await makeImage(image, this.sizeGb);
          mkdirSync(mnt, { mode: 0o700 });
          await mountNewImage(image, mnt);
        } catch {
          await unmountImage(mnt).catch(() => {});
          rmSync(mnt, { recursive: true, force: true });
          rmSync(image, { force: true });
          this.failed = true;
          return; // no spares on this host (no loop devices, no mkfs): computers make their own
        }
        if (this.closed) {
          await this.drop(image);
          return;
        }
        this.failed = false;
        this.made(image);
      }
    })().finally(() => {
      this.filling = null;
      this.made(undefined); // a take still waiting makes its own disk
    });
  }

  /**
   * Makes a spare the computer's: `image` becomes its file, mounted on `dir`. False when none
   * fits or is ready (the caller makes one). With none ready but one being made (a host's first
   * creates, right after it started filling), one caller waits for that one: it is further along
   * than a new one would be, and making two at once only slows both.
   */
  async take(image: string, dir: string, sizeGb: number): Promise<boolean> {
    if (sizeGb !== this.sizeGb || this.closed) return false;
    let spare = this.ready.shift();
    this.fill();
    if (!spare && this.filling && !this.awaited && !this.failed) {
      this.awaited = new Promise<string | undefined>((r) => (this.onMade = r));
      spare = await this.awaited;
      this.awaited = null;
    }
    if (!spare) return false;
    const mnt = spare.replace(/\.img$/, '.mnt');
    // The file first: from here on, whatever happens, the image is the computer's.
    renameSync(spare, image);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // --move refuses a mount under a shared parent (systemd's default "/"): unmount, mount afresh.
    if ((await runTool('mount', ['--move', mnt, dir])).code !== 0) {
      await unmountImage(mnt);
      await run('mount', ['-o', 'loop,discard,noatime', image, dir]);
    }
    rmSync(mnt, { recursive: true, force: true });
    return true;
  }

  /** Hands a new spare to the take waiting for it, else keeps it ready. */
  private made(image: string | undefined): void {
    const waiting = this.onMade;
    this.onMade = null;
    if (waiting) waiting(image);
    else if (image) this.ready.push(image);
  }

  private async drop(image: string): Promise<void> {
    const mnt = image.replace(/\.img$/, '.mnt');
    await unmountImage(mnt).catch(() => {});
    rmSync(mnt, { recursive: true, force: true });
    rmSync(image, { force: true });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.filling;
    for (const image of this.ready.splice(0)) await this.drop(image);
  }
}
