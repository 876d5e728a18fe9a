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
 * The page with `markup` in its root element, which stays `inert` until the page has hydrated
 * it (renderer/src/tree.tsx): its buttons work only once React is behind them.
 */
export function withFirstView(html: string, markup: string | null): string {
  if (!markup || !html.includes(ROOT)) return html;
  return html.replace(ROOT, () => `<div id="root" inert>${markup}</div>`);
}
