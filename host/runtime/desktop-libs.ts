/**
 * Libraries the desktop's own programs load in place of the system's, built once per data dir
 * with the machine's C compiler and bound read-only into every computer (guest/mounts.py, at
 * /run/orgo-lib; the session puts it in LD_LIBRARY_PATH of openbox and tint2 only).
 *
 * Today one: librsvg on first use (guest/desktop/lib/lazy-rsvg.c), which saves ~1.6 MB of
 * private memory in every idle computer. Without a compiler, or without librsvg on the machine,
 * there is nothing to build and the desktop runs on the system's libraries as before: nothing is
 * lost but the memory.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logger } from '../../shared/node/log.js';
import { guestDir } from './paths.js';

const log = logger('desktop-libs');
const run = promisify(execFile);
const SOURCE = join(guestDir, 'desktop', 'lib', 'lazy-rsvg.c');

/** Where the real librsvg is on this machine (Debian's multiarch folders), or null. */
async function realLibrsvg(): Promise<string | null> {
  const arch = await run('cc', ['-print-multiarch'], { timeout: 10_000 }).then((r) => r.stdout.trim(), () => '');
  for (const dir of [arch && `/usr/lib/${arch}`, '/usr/lib64', '/usr/lib'].filter(Boolean)) {
    if (existsSync(`${dir}/librsvg-2.so.2`)) return `${dir}/librsvg-2.so.2`;
  }
  return null;
}

/**
 * Builds the libraries into `dir` (unless built already from the same source), and resolves to
 * `dir`, or to undefined when there is nothing to use (no compiler, no librsvg, a failed build).
 */
export async function buildDesktopLibs(dir: string): Promise<string | undefined> {
  try {
    const real = await realLibrsvg();
    if (!real) return undefined;
    const source = readFileSync(SOURCE);
    const stamp = createHash('sha256').update(source).update(real).digest('hex');
    const out = join(dir, 'librsvg-2.so.2');
    const stampFile = join(dir, 'lazy-rsvg.stamp');
    if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) return dir;
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const tmp = `${out}.${process.pid}.tmp`;
    await run('cc', ['-O2', '-shared', '-fPIC', '-Wl,-soname,librsvg-2.so.2', `-DREAL_LIBRSVG="${real}"`, '-o', tmp, SOURCE, '-ldl'], { timeout: 60_000 });
    renameSync(tmp, out);
    writeFileSync(stampFile, stamp);
    return dir;
  } catch (e) {
    rmSync(join(dir, `librsvg-2.so.2.${process.pid}.tmp`), { force: true });
    log.info(`the desktop loads the system's librsvg at start (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}
