import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The newest modification time of any file under these paths (0 when none exists): whether a
 * build is older than its sources (the renderer for browser mode, the host's bundle).
 */
export function newestMtime(...paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}
