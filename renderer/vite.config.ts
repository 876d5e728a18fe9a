/**
 * The renderer's build, shared by electron-vite (electron.vite.config.ts) and browser mode
 * (`vite build -c renderer/vite.config.ts`). Its outputs: the app's two pages (index.html for the
 * main window and grid, viewer.html for a viewer, each preloading its own code) and bridge.js, the browser-mode stand-in for Electron's preload, which the launcher puts in front.
 * No inline scripts or styles, so the CSP (electron/pages/csp.ts) can stay `script-src 'self'; style-src 'self'` (xterm's are
 * rewritten into the CSS object model: vite-xterm-csp.ts).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin, UserConfig } from 'vite';
import { xtermCsp } from './vite-xterm-csp.js';
import { devCsp } from '../electron/pages/csp.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dev server only (`electron-vite dev`): the pages' one CSP (electron/pages/csp.ts) as a
 * header, as every other server of the pages sends it, relaxed for React's fast refresh (an inline
 * script) and Vite's inline styles. Never in a build: built pages get the CSP from whoever serves them.
 */
const devCspHeader: Plugin = {
  name: 'orgo-dev-csp',
  apply: 'serve',
  config: () => ({ server: { headers: { 'content-security-policy': devCsp() } } }),
};

/**
 * Builds are production builds whoever runs them: Vite takes React's development build when the
 * environment says NODE_ENV=test (vitest does, and its tests build the renderer on demand), which
 * is twice the size and slower, and then the bench and the app would run what a test built.
 */
const productionBuild: Plugin = {
  name: 'orgo-production-build',
  apply: 'build',
  // Before Vite settles isProduction (and the React plugin its JSX runtime) from it. Builds run in
  // a process of their own (build-app.mjs, electron-vite, ensureRendererBuilt's child).
  config: () => void (process.env.NODE_ENV = 'production'),
};

/** Where browser mode's launcher finds the main window's first view, built for Node (first-view.tsx). */
export const FIRST_VIEW_OUT = fileURLToPath(new URL('../out/renderer-server', import.meta.url));
const BROWSER_OUT = fileURLToPath(new URL('../out/renderer', import.meta.url));

/**
 * Browser mode's build (out/renderer) also builds src/first-view.tsx for Node, from the same
 * sources at the same time, so the markup the launcher serves is what this build's code hydrates.
 * Electron's build (another outDir) serves no such markup and skips it.
 */
const firstViewBuild: Plugin = {
  name: 'orgo-first-view',
  apply: (config, env) => env.command === 'build' && !config.build?.ssr,
  async closeBundle() {
    if (this.environment.config.build.outDir !== BROWSER_OUT) return;
    const { build } = await import('vite');
    await build({
      configFile: false,
      root,
      logLevel: 'warn',
      plugins: [react()],
      publicDir: false,
      // React's production server build, as the page runs React's production build.
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      ssr: { noExternal: true, target: 'node' },
      build: {
        ssr: fileURLToPath(new URL('src/first-view.tsx', import.meta.url)),
        outDir: FIRST_VIEW_OUT,
        emptyOutDir: true,
        target: 'node20',
        // Loaded while Chromium starts, on the same cores: less to parse.
        minify: true,
        rollupOptions: { output: { format: 'esm', entryFileNames: 'first-view.mjs', codeSplitting: false } },
      },
    });
  },
};

export const rendererConfig: UserConfig = {
  root,
  base: './',
  plugins: [productionBuild, react(), devCspHeader, xtermCsp, firstViewBuild],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        viewer: fileURLToPath(new URL('viewer.html', import.meta.url)),
        bridge: fileURLToPath(new URL('src/bridge/browser.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'bridge' ? 'bridge.js' : 'assets/[name]-[hash].js'),
        // React, which both pages load, under its own name (bridge.js must stay free of app code:
        // it defines window.orgo before anything reads it).
        codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] },
      },
    },
  },
};

export default rendererConfig;
