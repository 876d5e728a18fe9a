// Builds what browser mode runs (npm start, the end-to-end tests, the bench), each part only when
// its sources are newer than its output: the renderer (out/renderer, with bridge.js) and the
// launcher bundled into one file (out/browser-mode/cli.mjs), so starting the app does not
// compile TypeScript on every launch.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const newest = (p) => {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((e) => newest(join(p, e))));
};
const stale = (out, sources) => !existsSync(out) || statSync(out).mtimeMs < Math.max(...sources.map((s) => newest(join(root, s))));

const force = process.argv.includes('--force');
if (force || stale(join(root, 'out/renderer/bridge.js'), ['renderer', 'shared'])) {
  console.log('Building the app (renderer)…');
  await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}
if (force || stale(join(root, 'out/browser-mode/cli.mjs'), ['electron', 'shared', 'host/runtime/vnc-password.ts'])) {
  console.log('Building the app (browser-mode launcher)…');
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: join(root, 'electron/browser-mode/cli.ts'),
      outDir: join(root, 'out/browser-mode'),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      // ws and zod bundled in: one file parses faster than resolving their many modules at every
      // launch (about 50 ms here). keytar is native; ws's optional helpers stay optional.
      rollupOptions: { external: ['keytar', 'bufferutil', 'utf-8-validate'], output: { format: 'esm', entryFileNames: 'cli.mjs' } },
    },
    ssr: { noExternal: true },
  });
}
