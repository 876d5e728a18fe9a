/**
 * The packaged app's pages come from a privileged custom scheme, app://orgo/…, not file://: the
 * GrantFileProtocolExtraPrivileges fuse is off (scripts/after-pack.mjs), so a file:// page could
 * not load its module script and CSS from inside app.asar (blank windows), and Electron's
 * checklist asks to avoid file:// anyway. The handler is a pure function of the request, in plain
 * Node (tested without Electron): the same page table, CSP and headers as browser mode.
 * Electron registers it (electron/main/index.ts); it reads from app.asar through Electron's fs.
 */
import { readFile } from 'node:fs/promises';
import type { Privileges } from 'electron';
import { IMMUTABLE, PAGE_HEADERS } from './csp.js';
import { resolveTarget } from './table.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'orgo';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * standard: a real origin (`app://orgo`), so 'self' in the CSP, relative URLs and storage work;
 * secure: a secure context like https (clipboard, notifications); codeCache: V8 keeps compiled
 * code between launches. Nothing that loosens: no bypassCSP, no CORS, no service workers.
 */
export const APP_PRIVILEGES: Privileges = { standard: true, secure: true, supportFetchAPI: true, codeCache: true };

const TEXT = 'text/plain; charset=utf-8';

function answer(status: number, type: string, body: Buffer | string | null, extra: Record<string, string> = {}): Response {
  const headers = { ...PAGE_HEADERS, 'content-type': type, ...extra };
  return new Response(body === null ? null : typeof body === 'string' ? body : new Uint8Array(body), { status, headers });
}

export type Reader = (file: string) => Promise<Buffer>;

/** The handler `protocol.handle('app', …)` calls, for the renderer build in `rendererDir`. */
export function appSchemeHandler(rendererDir: string, read: Reader = (f) => readFile(f)): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return answer(400, TEXT, 'Bad address');
    }
    // One host: app://orgo. Any other name under the scheme is nobody's page.
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return answer(403, TEXT, 'Refused: not an address of Orgo Desktop');
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) return answer(405, TEXT, 'Method not allowed', { allow: 'GET, HEAD' });
    const target = resolveTarget(rendererDir, url.pathname);
    if (target.kind === 'bad') return answer(400, TEXT, 'Bad address');
    if (target.kind === 'outside') return answer(404, TEXT, 'Not found');
    let body: Buffer;
    try {
      body = await read(target.file);
    } catch {
      // Missing, or a folder (EISDIR): the same answer, so nothing about the layout shows.
      return answer(404, TEXT, 'Not found');
    }
    if (target.kind === 'page') return answer(200, 'text/html; charset=utf-8', head ? null : body);
    return answer(200, target.type, head ? null : body, target.immutable ? { 'cache-control': IMMUTABLE } : {});
  };
}
