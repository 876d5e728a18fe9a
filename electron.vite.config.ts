/**
 * electron-vite: main (ESM), preload (CommonJS: a sandboxed preload cannot load ES modules) and
 * the renderer, whose config is shared with browser mode (renderer/vite.config.ts).
 */
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { rendererConfig } from './renderer/vite.config.js';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: { input: { index: resolve('electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed: one file, no require() of other modules; so nothing is externalized.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      // Its own folder: browser mode's build (with bridge.js) lives in out/renderer.
      outDir: resolve('out/electron-renderer'),
      minify: true,
      rollupOptions: { ...rendererConfig.build?.rollupOptions, input: { index: resolve('renderer/index.html'), viewer: resolve('renderer/viewer.html') } },
    },
  },
});
