/**
 * The main window's first view, server-rendered: the renderer's build compiles
 * renderer/src/first-view.tsx for Node (out/renderer-server/first-view.mjs, beside the page's own
 * code and from the same sources); the launcher renders it from the first data into the page's
 * root element, and the page hydrates it. Loaded at run time by path, so this side's TypeScript
 * and bundle stay free of the renderer's.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { FirstData } from '../../shared/ipc/first-data.js';

/** Markup for the root element, or null where the page renders the view itself. */
export type RenderFirstView = (data: FirstData) => string | null;

/** The built module's renderer; none (the page renders alone) if it is not built. */
export async function loadFirstView(module: string | undefined): Promise<RenderFirstView | null> {
  if (!module || !existsSync(module)) return null;
  const m = (await import(pathToFileURL(module).href)) as { renderFirstView?: RenderFirstView };
  return m.renderFirstView ?? null;
}

const ROOT = '<div id="root"></div>';

/**
 * The main page in two parts around its root element: the head goes out at once (Chromium fetches
 * the stylesheet and the code while the list is read), the rest once the first data is known.
 */
export function splitAtRoot(html: string): { head: string; tail: string } {
  const at = html.indexOf(ROOT);
  if (at < 0) throw new Error('the main page has no <div id="root"></div>');
  return { head: html.slice(0, at), tail: html.slice(at + ROOT.length) };
}

/**
 * The root element with `markup`, `inert` until the page has hydrated it (renderer/src/tree.tsx:
 * its buttons work only once React is behind them), or empty for the page to render.
 */
export function rootWith(markup: string | null): string {
  return markup ? `<div id="root" inert>${markup}</div>` : ROOT;
}
