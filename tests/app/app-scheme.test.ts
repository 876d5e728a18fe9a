/**
 * The app:// scheme's handler (electron/pages/app-scheme.ts), the function Electron's
 * protocol.handle calls, with the Requests it passes: what each address answers and what it
 * refuses, against the real Electron build of the pages and a folder laid out to tempt escapes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_PRIVILEGES, appSchemeHandler } from '../../electron/pages/app-scheme.js';
import { CSP } from '../../electron/pages/csp.js';
import { projectRoot } from '../helpers/app.js';
import { electronRendererDir, ensureElectronBuilt } from '../helpers/electron-build.js';
import { tempDataDir } from '../helpers/host.js';

const dir = electronRendererDir(projectRoot);
const handle = appSchemeHandler(dir);
const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

// A secret beside the build folder, and one in a folder whose name starts like it.
const sandbox = tempDataDir('orgo-scheme-');
const fakeDir = join(sandbox, 'renderer');
beforeAll(() => {
  ensureElectronBuilt(projectRoot);
  mkdirSync(join(fakeDir, 'assets'), { recursive: true });
  mkdirSync(join(sandbox, 'renderer-secrets'), { recursive: true });
  writeFileSync(join(fakeDir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(fakeDir, 'assets', 'a.js'), 'export {}');
  writeFileSync(join(sandbox, 'secret.txt'), 'SECRET');
  writeFileSync(join(sandbox, 'renderer-secrets', 'key.txt'), 'SECRET');
}, 120_000);
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

function expectPageHeaders(r: Response) {
  expect(r.headers.get('content-security-policy')).toBe(CSP);
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.headers.get('referrer-policy')).toBe('no-referrer');
  expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
}

describe('app:// scheme handler', () => {
  it('is registered standard and secure, and loosens nothing', () => {
    expect(APP_ORIGIN).toBe('app://orgo');
    expect(APP_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true, codeCache: true });
  });

  it('answers both pages from the page table, with the one CSP and the headers browser mode sends', async () => {
    for (const [url, file] of [
      ['app://orgo/', 'index.html'],
      ['app://orgo/index.html', 'index.html'],
      ['app://orgo/viewer.html', 'viewer.html'],
      ['app://orgo/viewer.html#/viewer/abc', 'viewer.html'],
      ['app://orgo/index.html?x=1', 'index.html'],
    ] as const) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expectPageHeaders(r);
      expect(await r.text()).toBe(readFileSync(join(dir, file), 'utf8'));
    }
  });

  it('answers every script and stylesheet a page names, typed and cached for good', async () => {
    for (const page of ['index.html', 'viewer.html']) {
      const html = readFileSync(join(dir, page), 'utf8');
      const refs = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!);
      expect(refs.some((r) => r.endsWith('.js'))).toBe(true);
      for (const ref of refs) {
        const r = await get(`app://orgo/${ref}`);
        expect(r.status, ref).toBe(200);
        expectPageHeaders(r);
        if (ref.endsWith('.js')) expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        if (ref.endsWith('.css')) expect(r.headers.get('content-type')).toBe('text/css; charset=utf-8');
        if (ref.startsWith('assets/')) expect(r.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
        expect(Buffer.from(await r.arrayBuffer()).equals(readFileSync(join(dir, ref)))).toBe(true);
      }
    }
  });

  it('answers HEAD without a body', async () => {
    const r = await get('app://orgo/index.html', 'HEAD');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
  });

  it('never climbs out of the build folder, however the path is spelled', async () => {
    const h = appSchemeHandler(fakeDir);
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/../renderer-secrets/key.txt',
      '/..%2frenderer-secrets%2fkey.txt',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/assets/../../../../etc/passwd',
    ]) {
      const r = await h(new Request(`app://orgo${path}`));
      const body = await r.text();
      expect([400, 404], path).toContain(r.status);
      expect(body).not.toContain('SECRET');
      expect(body).not.toContain('root:');
      expectPageHeaders(r);
    }
    // What is inside stays reachable.
    expect((await h(new Request('app://orgo/assets/a.js'))).status).toBe(200);
  });

  it('refuses unknown paths, folders, malformed addresses, NULs, other methods and other hosts', async () => {
    const answers: Array<[string, number]> = [];
    for (const [url, method] of [
      ['app://orgo/nope.html', 'GET'],
      ['app://orgo/assets/', 'GET'],
      ['app://orgo/assets', 'GET'],
      ['app://orgo/%E0', 'GET'],
      ['app://orgo/index.html%00.js', 'GET'],
      ['app://orgo/index.html', 'POST'],
      ['app://orgo/index.html', 'PUT'],
      ['app://evil/index.html', 'GET'],
      ['app://orgo.evil/index.html', 'GET'],
      ['app://127.0.0.1/index.html', 'GET'],
      ['app://orgo:8080/index.html', 'GET'],
      ['http://orgo/index.html', 'GET'],
    ] as const) {
      const r = await get(url, method);
      expectPageHeaders(r);
      expect(await r.text()).not.toMatch(/<script/);
      answers.push([`${method} ${url}`, r.status]);
    }
    expect(answers).toEqual([
      ['GET app://orgo/nope.html', 404],
      ['GET app://orgo/assets/', 404],
      ['GET app://orgo/assets', 404],
      ['GET app://orgo/%E0', 400],
      ['GET app://orgo/index.html%00.js', 400],
      ['POST app://orgo/index.html', 405],
      ['PUT app://orgo/index.html', 405],
      ['GET app://evil/index.html', 403],
      ['GET app://orgo.evil/index.html', 403],
      ['GET app://127.0.0.1/index.html', 403],
      ['GET app://orgo:8080/index.html', 403],
      ['GET http://orgo/index.html', 403],
    ]);
  });
});
