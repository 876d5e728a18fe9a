/**
 * What an address inside the app's pages means, for every server of them (Electron's app://
 * scheme and browser mode): one of the two pages, a file of the renderer's build, or nothing.
 * Paths are confined to the build folder: a decoded `..`, an encoded slash or a backslash never
 * climbs out of it.
 */
import { extname, join, normalize, sep } from 'node:path';

export type Page = 'index.html' | 'viewer.html';

/** The app's pages by the path that asks for one. */
export const PAGES: Readonly<Record<string, Page>> = { '/': 'index.html', '/index.html': 'index.html', '/viewer.html': 'viewer.html' };

export const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export type Target =
  | { kind: 'page'; page: Page; file: string }
  | { kind: 'file'; file: string; type: string; immutable: boolean }
  /** The address does not decode (`/%E0`) or holds a NUL. */
  | { kind: 'bad' }
  /** Outside the build folder, or not one of its names. */
  | { kind: 'outside' };

/** What `pathname` (as the URL has it, still percent-encoded) names inside `rendererDir`. */
export function resolveTarget(rendererDir: string, pathname: string): Target {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return { kind: 'bad' };
  }
  if (path.includes('\0')) return { kind: 'bad' };
  if (Object.hasOwn(PAGES, path)) {
    const page = PAGES[path]!;
    return { kind: 'page', page, file: join(rendererDir, page) };
  }
  // normalize() resolves `..` against the root of the path, so a climb ends at the root; the
  // prefix check below is the second fence (a backslash is a name character on Linux, not a separator).
  const rel = normalize(path).replace(/^([/\\])+/, '');
  const file = join(rendererDir, rel);
  if (rel === '' || !file.startsWith(rendererDir.replace(/[/\\]+$/, '') + sep)) return { kind: 'outside' };
  return { kind: 'file', file, type: TYPES[extname(file)] ?? 'application/octet-stream', immutable: rel.startsWith('assets/') };
}
