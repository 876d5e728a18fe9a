// Builds what browser mode runs (npm start, the end-to-end tests, the bench), each part only when
// its sources are newer than its output: the renderer (out/renderer, with bridge.js) and the
// launcher bundled (out/browser-mode/cli.mjs, its services in chunks beside it), so starting the app does not
// compile TypeScript on every launch.
import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Vite loads only when something is out of date: importing it costs about 0.4 s of every `npm start`.
const build = async (config) => (await import('vite')).build(config);

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const newest = (p) => {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((e) => newest(join(p, e))));
};
const stale = (out, sources) => !existsSync(out) || statSync(out).mtimeMs < Math.max(...sources.map((s) => newest(join(root, s))));

const force = process.argv.includes('--force');
// `build-app.mjs cli` builds only the command line (what `npm start` and `npm test` set up first).
const only = process.argv.includes('cli') ? 'cli' : null;
// The renderer's build also writes out/renderer-server/first-view.mjs (renderer/vite.config.ts).
if (!only && (force || !existsSync(join(root, 'out/renderer-server/first-view.mjs')) || stale(join(root, 'out/renderer/bridge.js'), ['renderer', 'shared']))) {
  console.log('Building the app (renderer)…');
  await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}
if (!only && (force || stale(join(root, 'out/browser-mode/cli.mjs'), ['electron', 'app', 'shared', 'host/runtime/vnc-password.ts']))) {
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
      // The services and IPC are chunks of their own (electron/browser-mode/cli.ts and server.ts
      // import them once the address is printed): the entry holds only what serves the page.
      rollupOptions: { external: ['keytar', 'bufferutil', 'utf-8-validate'], output: { format: 'esm', entryFileNames: 'cli.mjs', chunkFileNames: '[name]-[hash].mjs' } },
    },
    ssr: { noExternal: true },
  });
}

// ---- The host, bundled (out/host/cli.mjs) -------------------------------------------------------
// What a packaged app runs for "This computer" and for the orgo-host systemd service: one ES module
// with every pure-JS dependency inside, run by plain Node semantics (no tsx, no TypeScript). Native
// modules stay external: they are rebuilt for the Node that runs them and loaded from node_modules.
// Packages the host loads through createRequire at run time (x11, @julusian/jpeg-turbo, noVNC's
// DES) are outside the bundle by construction. electron-builder.yml unpacks all of them from the
// asar; tests/host/bundle.test.ts runs this file with node,
// tests/app/packaging.test.ts runs it from the packaged layout.
const HOST_EXTERNAL = ['better-sqlite3', 'node-pty', 'keytar', '@julusian/jpeg-turbo', 'x11'];
if (!only && (force || stale(join(root, 'out/host/cli.mjs'), ['host', 'shared', 'package-lock.json']))) {
  console.log('Building the host (out/host/cli.mjs)…');
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: join(root, 'host/cli.ts'),
      outDir: join(root, 'out/host'),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: {
        external: (id) => id.startsWith('node:') || HOST_EXTERNAL.some((m) => id === m || id.startsWith(`${m}/`)),
        output: { format: 'esm', entryFileNames: 'cli.mjs', codeSplitting: false },
      },
    },
  });
}
// ---- end of the host's step ----------------------------------------------------------------------

// ---- The command line, bundled (out/cli/orgo.cjs + out/cli/program.mjs) -------------------------
// `orgo` (package.json's bin) runs with plain Node, as two builds. The entry, orgo.cjs, is one
// self-contained CommonJS file holding `--version` and the hot path (`computers list --json`,
// cli/hot.ts) with just the code they reach, tree-shaken: that call loads one file, no zod, no
// commander, no SDK, and not Node's ES module loader, whose facades over node:fs and node:http
// cost more than the hot path's own code (npm run bench -- cli). Everything else it hands to program.mjs, the full command tree, where
// each command is its own chunk imported when it runs. The few modules both use (profiles, keys,
// the request) are in both; the hot path shares no state with the program it falls back to.
// Everything pure-JS is inside; keytar (native) and ws's optional native helpers stay outside.
const CLI_CORE = /[\\/](cli[\\/](connect|http-fetch|output|fail|keystore|units|interrupt)\.ts|app[\\/](paths|profiles|local-host|log|newest|json-file|credentials|errors)\.ts|shared[\\/](api[\\/](client|answer|upload|download|specs)|ipc[\\/]plain-http|node[\\/]log)\.ts)$/;
const CLI_EXTERNAL = (id) => id.startsWith('node:') || ['keytar', 'bufferutil', 'utf-8-validate'].includes(id);
if (force || stale(join(root, 'out/cli/orgo.cjs'), ['cli', 'app', 'shared', 'package.json'])) {
  console.log('Building the command line (out/cli/orgo.cjs)…');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const cli = (entry, rollupOptions, emptyOutDir) =>
    build({
      configFile: false,
      root,
      logLevel: 'warn',
      define: { __ORGO_VERSION__: JSON.stringify(version) },
      ssr: { noExternal: true, target: 'node' },
      plugins: [
        {
          // main.ts's `import('./program.js')` is the other build's entry, not something to inline.
          name: 'orgo-program-external',
          enforce: 'pre',
          resolveId: (source, importer) => (source === './program.js' && /[\\/]cli[\\/]main\.ts$/.test(importer ?? '') ? { id: './program.mjs', external: true } : null),
        },
      ],
      build: { ssr: join(root, entry), outDir: join(root, 'out/cli'), emptyOutDir, target: 'node20', minify: false, rollupOptions },
    });
  await cli(
    'cli/program.ts',
    {
      external: CLI_EXTERNAL,
      output: {
        format: 'esm',
        entryFileNames: 'program.mjs',
        chunkFileNames: '[name]-[hash].mjs',
        // What every command that talks to a server needs (profiles, keys, the request, the
        // words for errors) in one chunk: each further file costs Node's ES module loader a
        // resolve, a read and a compile.
        codeSplitting: { groups: [{ name: 'core', test: CLI_CORE }] },
      },
    },
    true,
  );
  await cli('cli/main.ts', { external: CLI_EXTERNAL, output: { format: 'cjs', entryFileNames: 'orgo.cjs', banner: '#!/usr/bin/env node', codeSplitting: false } }, false);
  chmodSync(join(root, 'out/cli/orgo.cjs'), 0o755);
}
