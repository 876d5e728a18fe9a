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

/** Where the dynamic linker finds `lib` for `binary` (ldd's answer), or null. */
async function linkedPath(binary: string, lib: string): Promise<string | null> {
  const out = await run('ldd', [binary], { timeout: 10_000 }).then((r) => r.stdout, () => '');
  return new RegExp(`^\\s*${lib.replace(/\./g, '\\.')}\\S* => (\\S+)`, 'm').exec(out)?.[1] ?? null;
}

/** The librsvg functions that openbox (through libobrender) and tint2 import and `shim` does not define. */
async function uncovered(shim: string): Promise<string[]> {
  const symbols = async (args: string[]) => (await run('nm', ['-D', ...args], { timeout: 10_000 })).stdout.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '');
  const tint2 = (await run('sh', ['-c', 'command -v tint2'], { timeout: 10_000 })).stdout.trim();
  const users = [tint2, (await linkedPath('/usr/bin/openbox', 'libobrender.so')) ?? ''].filter(Boolean);
  if (users.length < 2) throw new Error('openbox or tint2 was not found');
  const wanted = new Set((await symbols(['--undefined-only', ...users])).filter((n) => n.startsWith('rsvg_')));
  const have = new Set(await symbols(['--defined-only', shim]));
  return [...wanted].filter((n) => !have.has(n));
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
    const built = existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp;
    const tmp = `${out}.${process.pid}.tmp`;
    if (!built) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      await run('cc', ['-O2', '-shared', '-fPIC', '-Wl,-soname,librsvg-2.so.2', `-DREAL_LIBRSVG="${real}"`, '-o', tmp, SOURCE, '-ldl'], { timeout: 60_000 });
    }
    // Another openbox or tint2 (another release, or an upgrade since the build) may call a
    // function the stand-in lacks, and would then fail to start or die at its first SVG: the
    // stand-in is used only when it has every librsvg function they import.
    const missing = await uncovered(built ? out : tmp);
    if (missing.length) throw new Error(`the stand-in lacks ${missing.join(', ')}, which openbox or tint2 call`);
    if (!built) {
      renameSync(tmp, out);
      writeFileSync(stampFile, stamp);
    }
    return dir;
  } catch (e) {
    rmSync(join(dir, `librsvg-2.so.2.${process.pid}.tmp`), { force: true });
    log.info(`the desktop loads the system's librsvg at start (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}
