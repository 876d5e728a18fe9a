/**
 * The main page's own stylesheets put inline in its <head>, each allowed by its hash in the
 * page's Content-Security-Policy (style-src 'self' 'sha256-…'; no 'unsafe-inline'). On a launch
 * the stylesheet was the last thing the server-rendered list waited for before its first frame:
 * asked for once the head arrived, it was answered 50-100 ms later here, by a launcher sharing
 * two cores with a Chromium that is starting. Inline, the list paints as soon as the HTML is in.
 *
 * Only the build's own files (./assets/NAME.css) are inlined; one that cannot be read, or that
 * could end the <style> element early, stays a <link>.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const LINK = /<link rel="stylesheet"(?: crossorigin)? href="\.\/assets\/([\w.-]+\.css)">/g;

export interface Inlined {
  html: string;
  /** CSP sources for the inlined styles: `'sha256-…'` each. */
  hashes: string[];
}

/** A file's CSS and its CSP source, read and hashed once per launch: the build's assets are immutable (their names carry a hash). */
const cache = new Map<string, { text: string; hash: string } | null>();

function css(file: string): { text: string; hash: string } | null {
  if (!cache.has(file)) {
    let text: string | null;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = null;
    }
    cache.set(file, text && !/<\/style/i.test(text) ? { text, hash: `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'` } : null);
  }
  return cache.get(file)!;
}

export function inlineStylesheets(html: string, rendererDir: string): Inlined {
  const hashes: string[] = [];
  const out = html.replace(LINK, (link, name: string) => {
    const style = css(join(rendererDir, 'assets', name));
    if (style === null) return link;
    hashes.push(style.hash);
    return `<style>${style.text}</style>`;
  });
  return { html: out, hashes };
}

/** The CSP with the inlined styles' hashes beside 'self' in style-src. */
export function withStyleHashes(csp: string, hashes: string[]): string {
  return hashes.length ? csp.replace("style-src 'self'", `style-src 'self' ${hashes.join(' ')}`) : csp;
}
