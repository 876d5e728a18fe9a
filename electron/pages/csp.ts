/**
 * The one Content-Security-Policy of the app's pages, and the headers every page and file goes
 * out with, whoever serves them: the app:// scheme in Electron (app-scheme.ts), browser mode's
 * loopback server, the dev server (renderer/vite.config.ts). Sent as a header, never a <meta>
 * (a meta tag cannot carry frame-ancestors and would be a second copy to drift).
 *
 * connect-src: the page's own origin, and WebSockets to 127.0.0.1 on any port, where main's
 * loopback relays (VNC, channels) listen on a port chosen at start. Nothing else leaves a page.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:*",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The dev server's relaxation (`electron-vite dev` only): React's fast refresh is an inline script, Vite's CSS inline styles. */
export function devCsp(csp: string = CSP): string {
  return csp.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}

/** Headers on every answer (pages, files, refusals). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** Files under assets/ carry a content hash in their names: cached for good. */
export const IMMUTABLE = 'private, max-age=31536000, immutable';
