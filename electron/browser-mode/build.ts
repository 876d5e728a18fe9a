/** Builds the renderer when its output is missing or older than its sources (browser mode, tests, bench). */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from '../../app/newest.js';

export function rendererDir(root: string): string {
  return join(root, 'out', 'renderer');
}

/** The main window's first view built for Node (renderer/src/first-view.tsx, by the same build), which the launcher renders into the page. */
export function firstViewModule(root: string): string {
  return join(root, 'out', 'renderer-server', 'first-view.mjs');
}

export function rendererIsCurrent(root: string): boolean {
  const out = join(rendererDir(root), 'index.html');
  if (!existsSync(out) || !existsSync(join(rendererDir(root), 'bridge.js')) || !existsSync(firstViewModule(root))) return false;
  const built = statSync(out).mtimeMs;
  return built >= newestMtime(join(root, 'renderer'), join(root, 'shared'));
}

export function ensureRendererBuilt(root: string, log: (s: string) => void = () => {}): void {
  if (rendererIsCurrent(root)) return;
  log('Building the app (renderer)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '-c', join(root, 'renderer', 'vite.config.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error('Building the renderer failed (see above)');
}
