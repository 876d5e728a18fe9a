/** Electron's build of main, preload and renderer (electron-vite; no Electron binary needed), rebuilt when its sources are newer. */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from '../../app/newest.js';

export function electronRendererDir(root: string): string {
  return join(root, 'out', 'electron-renderer');
}

export function ensureElectronBuilt(root: string): void {
  const marks = [join(electronRendererDir(root), 'index.html'), join(root, 'out', 'preload', 'index.cjs'), join(root, 'out', 'main', 'index.js')];
  const built = marks.every((m) => existsSync(m)) ? Math.min(...marks.map((m) => statSync(m).mtimeMs)) : 0;
  if (built >= newestMtime(join(root, 'renderer'), join(root, 'shared'), join(root, 'electron'), join(root, 'app'))) return;
  const r = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}${r.stderr}`);
}
