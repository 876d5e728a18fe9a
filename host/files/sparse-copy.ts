/**
 * Copying a file that may be sparse, keeping it sparse: a 1 GB file inside a computer that is
 * mostly holes must not become 1 GB of the host's disk. A reflink is tried first (instant, shares
 * blocks); otherwise the bytes are copied 1 MB at a time and every all-zero megabyte is skipped
 * (left a hole), which reads the same. Only the first `size` bytes are copied, so a file that
 * grows while it is copied does not run past what was checked.
 */
import { close, constants, fsync as fsyncCb, ftruncate, open, read, write } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const CHUNK = 1 << 20;
const ZERO = Buffer.alloc(CHUNK);
const openFile = promisify(open);
const readAt = promisify(read);
const writeAt = promisify(write);
const truncate = promisify(ftruncate);
const closeFile = promisify(close);
const fsync = promisify(fsyncCb);

/** Copies `size` bytes of the open file `fd` into a new file `dest` (mode 0600). */
export async function copySparse(fd: number, size: number, dest: string): Promise<void> {
  try {
    await copyFile(`/proc/self/fd/${fd}`, dest, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'ENOTTY'].includes(code)) throw e;
  }
  const out = await openFile(dest, 'wx', 0o600);
  try {
    const buffer = Buffer.allocUnsafeSlow(CHUNK);
    let pos = 0;
    while (pos < size) {
      const want = Math.min(CHUNK, size - pos);
      const { bytesRead } = await readAt(fd, buffer, 0, want, pos);
      if (bytesRead === 0) break; // shrank meanwhile: the copy is what there was
      const chunk = buffer.subarray(0, bytesRead);
      if (!(bytesRead === CHUNK ? chunk.equals(ZERO) : chunk.equals(ZERO.subarray(0, bytesRead)))) {
        for (let done = 0; done < bytesRead; ) done += (await writeAt(out, chunk, done, bytesRead - done, pos + done)).bytesWritten;
      }
      pos += bytesRead;
    }
    await truncate(out, pos); // a hole at the end has no bytes written: the length says it
    await fsync(out);
  } finally {
    await closeFile(out);
  }
}
