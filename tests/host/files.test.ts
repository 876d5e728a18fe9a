/**
 * Files on a real host with real desktops: uploads land in the workspace and on a computer's
 * desktop (checked from inside the computer with `bash`), never overwrite, export → download is
 * byte-identical, signed links expire and cannot be forged, and key scopes hold.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkSigner } from '../../host/files/signed-urls.js';
import { OrgoApiError, OrgoClient } from '../../shared/api/client.js';
import { call, eventually, startTestHost, tempDataDir, TEST_KEY, type TestHost } from '../helpers/host.js';

let t: TestHost;
let ws: string;
let pc: string;
const scratch = tempDataDir('orgo-files-src-');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sh = async (command: string) => {
  const r = await t.client.bash(pc, command);
  expect(r.exit_code, r.output).toBe(0);
  return r.output;
};
const fileOf = (name: string, bytes: Buffer | string) => {
  const path = `${scratch}/${name}`;
  writeFileSync(path, bytes);
  return path;
};

beforeAll(async () => {
  t = await startTestHost();
  ws = (await t.client.createWorkspace('files')).id;
  pc = (await t.client.createComputer({ workspace_id: ws, name: 'files-pc' })).id;
});
afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('upload', () => {
  it('stores a file in the workspace without a desktop and answers its record', async () => {
    const bytes = randomBytes(300_000);
    const f = await t.client.uploadFile(fileOf('data.bin', bytes), { workspaceId: ws });
    expect(f).toMatchObject({ name: 'data.bin', size: bytes.length, content_type: 'application/octet-stream', workspace_id: ws, desktop_id: null });
    expect(f.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(f.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await t.client.listFiles({ workspaceId: ws })).map((x) => x.id)).toContain(f.id);
    const link = await t.client.downloadUrl(f.id);
    const got = Buffer.from(await (await fetch(link.url)).arrayBuffer());
    expect(sha(got)).toBe(sha(bytes));
    expect(await sh('ls ~/Desktop')).not.toContain('data.bin');
  });

  it('puts the file on a running computer\'s desktop, owned by the user', async () => {
    const f = await t.client.uploadFile(fileOf('hello.txt', 'hello from the host\n'), { workspaceId: ws, desktopId: pc });
    expect(f).toMatchObject({ name: 'hello.txt', desktop_id: pc, desktop_path: '/home/user/Desktop/hello.txt', content_type: 'text/plain' });
    expect(await sh('cat ~/Desktop/hello.txt; stat -c "%U:%G %a" ~/Desktop/hello.txt')).toBe('hello from the host\nuser:user 644\n');
    expect((await t.client.listFiles({ workspaceId: ws, desktopId: pc })).map((x) => x.id)).toContain(f.id);
  });

  it('puts the file on a stopped computer\'s disk; it is there after start', async () => {
    const other = await t.client.createComputer({ workspace_id: ws, name: 'stopped-pc' });
    await t.client.stopComputer(other.id);
    const f = await t.client.uploadFile(fileOf('while-off.txt', 'waiting\n'), { desktopId: other.id });
    expect(f).toMatchObject({ workspace_id: ws, desktop_id: other.id });
    expect((await t.client.getComputer(other.id)).status).toBe('stopped');
    await t.client.startComputer(other.id);
    expect((await t.client.bash(other.id, 'cat ~/Desktop/while-off.txt')).output).toBe('waiting\n');
    await t.client.deleteComputer(other.id);
  });

  it('numbers a taken name and never overwrites, even a file the computer made', async () => {
    await sh('echo mine > ~/Desktop/report.pdf');
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push((await t.client.uploadFile(fileOf('report.pdf', `upload ${i}\n`), { workspaceId: ws, desktopId: pc })).name);
    expect(names).toEqual(['report (1).pdf', 'report (2).pdf', 'report (3).pdf']);
    expect(await sh('cat ~/Desktop/report.pdf ~/Desktop/"report (3).pdf"')).toBe('mine\nupload 2\n');
    const tar = await t.client.uploadFile(fileOf('a.tar.gz', 'x'), { workspaceId: ws, desktopId: pc });
    const tar2 = await t.client.uploadFile(fileOf('a.tar.gz', 'y'), { workspaceId: ws, desktopId: pc });
    expect([tar.name, tar2.name]).toEqual(['a.tar.gz', 'a (1).tar.gz']);
  });

  it('makes the Desktop folder when it is missing, and refuses one replaced by a link', async () => {
    await sh('rm -rf ~/Desktop');
    const f = await t.client.uploadFile(fileOf('first.txt', '1'), { workspaceId: ws, desktopId: pc });
    expect(f.desktop_path).toBe('/home/user/Desktop/first.txt');
    expect(await sh('stat -c "%U %F" ~/Desktop')).toBe('user directory\n');
    // A link in the home means the computer's /etc inside; on the host it would be the host's /etc.
    await sh('mv ~/Desktop ~/Desktop.real && ln -s /etc ~/Desktop');
    const err = await t.client.uploadFile(fileOf('passwd', 'pwned'), { workspaceId: ws, desktopId: pc }).catch((e: OrgoApiError) => e);
    expect(err).toBeInstanceOf(OrgoApiError);
    expect((err as OrgoApiError).status).toBe(409);
    expect((err as OrgoApiError).code).toBe('desktop_not_a_folder');
    expect(readFileSync('/etc/passwd', 'utf8')).not.toContain('pwned');
    await sh('rm ~/Desktop && mv ~/Desktop.real ~/Desktop');
  });

  it('keeps names people give, odd characters included, without paths', async () => {
    const f = await t.client.uploadFile(new File(['x'], 'Résumé "final" (v2).txt'), { workspaceId: ws, desktopId: pc });
    expect(f.name).toBe('Résumé "final" (v2).txt');
    expect(await sh('ls ~/Desktop')).toContain('Résumé "final" (v2).txt');
    const sneaky = await t.client.uploadFile(new File(['x'], '../../etc/cron.d/evil'), { workspaceId: ws, desktopId: pc });
    expect(sneaky.desktop_path).toBe('/home/user/Desktop/evil');
  });

  it('refuses bad requests with a status and an error', async () => {
    const json = await call(t, 'POST', '/files/upload', { workspaceId: ws });
    expect(json.status).toBe(415);
    expect(json.body.error).toMatch(/multipart\/form-data/);
    const form = (fields: Record<string, string>, withFile = true) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.set(k, v);
      if (withFile) fd.set('file', new Blob(['x']), 'x.txt');
      return fetch(`${t.api}/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: fd });
    };
    const cases: Array<[Record<string, string>, boolean, number, RegExp]> = [
      [{}, true, 400, /workspaceId is required/],
      [{ workspaceId: ws }, false, 400, /No file/],
      [{ workspaceId: 'nope' }, true, 404, /Workspace not found/],
      [{ workspaceId: ws, desktopId: 'nope' }, true, 404, /Computer not found/],
      [{ projectId: ws }, true, 201, /./],
    ];
    const two = new FormData();
    two.set('workspaceId', ws);
    two.append('file', new Blob(['a']), 'a.txt');
    two.append('file', new Blob(['b']), 'b.txt');
    const r2 = await fetch(`${t.api}/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: two });
    expect([r2.status, ((await r2.json()) as { error: string }).error]).toEqual([400, 'Send one file, in the field named "file"']);
    for (const [fields, withFile, status, message] of cases) {
      const r = await form(fields, withFile);
      const body = (await r.json()) as { error?: string };
      expect([r.status, body.error ?? 'ok'], JSON.stringify(fields)).toEqual([status, expect.stringMatching(message)]);
    }
  });

  it('cancels an upload through its AbortSignal, leaving nothing behind', async () => {
    const before = readdirSync(`${t.dataDir}/files`).length;
    const ac = new AbortController();
    const big = fileOf('cancel.bin', randomBytes(20 * 1024 * 1024));
    const err = await t.client
      .uploadFile(big, { workspaceId: ws, desktopId: pc, signal: ac.signal, onProgress: (p) => p.sent > 4 * 1024 * 1024 && ac.abort() })
      .catch((e: Error) => e);
    expect((err as Error).name).toBe('AbortError');
    // The host removes the partial file once it sees the connection close: soon, not at once under load.
    await eventually(() => readdirSync(`${t.dataDir}/files`).length, (n) => n === before, 10_000, 'the partial upload to be removed');
    await eventually(() => sh('ls -A ~/Desktop'), (out) => !/cancel|orgo-upload/.test(out), 10_000, 'nothing of it on the Desktop');
  });
});

describe('export and download', () => {
  it('exports a file byte-identical to the one in the computer, through a link without a key', async () => {
    const inside = (await sh('head -c 5000000 /dev/urandom > ~/Documents/out.bin && sha256sum ~/Documents/out.bin')).split(' ')[0];
    const ex = await t.client.exportFile(pc, '/home/user/Documents/out.bin');
    expect(ex).toMatchObject({ name: 'out.bin', size: 5_000_000, workspace_id: ws, desktop_id: pc, desktop_path: '/home/user/Documents/out.bin' });
    expect(Date.parse(ex.expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
    const res = await fetch(ex.url); // no Authorization header
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('filename="out.bin"');
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(inside);
    // The link from /files/download is as good, and so is a path relative to the home.
    const again = await t.client.exportFile(pc, 'Documents/out.bin');
    const link = await t.client.downloadUrl(again.id);
    expect(sha(Buffer.from(await (await fetch(link.url)).arrayBuffer()))).toBe(inside);
  });

  it('serves range requests', async () => {
    const bytes = randomBytes(100_000);
    const f = await t.client.uploadFile(fileOf('ranged.bin', bytes), { workspaceId: ws });
    const { url } = await t.client.downloadUrl(f.id);
    const part = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 1000-1999/100000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(-10))).toBe(true);
    const beyond = await fetch(url, { headers: { range: 'bytes=100000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */100000');
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.headers.get('accept-ranges')]).toEqual([200, '100000', 'bytes']);
  });

  it('saves a download to a path with progress; a cancelled one leaves nothing behind', async () => {
    const bytes = randomBytes(8 * 1024 * 1024);
    const f = await t.client.uploadFile(fileOf('save-me.bin', bytes), { workspaceId: ws });
    let seen = 0;
    expect(await t.client.downloadFile(f.id, `${scratch}/saved.bin`, { onProgress: (p) => (seen = p.received) })).toBe(bytes.length);
    expect(seen).toBe(bytes.length);
    expect(sha(readFileSync(`${scratch}/saved.bin`))).toBe(sha(bytes));
    const ac = new AbortController();
    const err = await t.client
      .downloadFile(f.id, `${scratch}/cancelled.bin`, { signal: ac.signal, onProgress: (p) => p.received > 1024 * 1024 && ac.abort() })
      .catch((e: Error) => e);
    expect((err as Error).name).toBe('AbortError');
    expect([existsSync(`${scratch}/cancelled.bin`), existsSync(`${scratch}/cancelled.bin.part`)]).toEqual([false, false]);
  });

  it('refuses paths outside /home/user, links that lead out, missing files and folders', async () => {
    await sh('ln -sfn /etc ~/etc-link && ln -sfn /etc/passwd ~/passwd-link && ln -sfn ../../etc ~/Documents/up-link && mkdir -p ~/Documents/sub && echo inside > ~/Documents/sub/ok.txt && ln -sfn sub/ok.txt ~/Documents/ok-link && ln -sfn /home/user/Documents/sub ~/abs-link');
    const cases: Array<[string, number, string]> = [
      ['/etc/passwd', 403, 'path_outside_home'],
      ['../etc/passwd', 403, 'path_outside_home'],
      ['/home/user/../../etc/passwd', 403, 'path_outside_home'],
      ['/home/user/Documents/../../../etc/shadow', 403, 'path_outside_home'],
      ['/home/user/etc-link/passwd', 403, 'path_outside_home'],
      ['/home/user/passwd-link', 403, 'path_outside_home'],
      ['/home/user/Documents/up-link/hostname', 403, 'path_outside_home'],
      ['/home', 403, 'path_outside_home'],
      ['/home/user/nothing-here.txt', 404, 'not_found'],
      ['/home/user/Documents/sub', 400, 'is_a_folder'],
      ['/home/user', 400, 'is_a_folder'],
    ];
    for (const [path, status, code] of cases) {
      const r = await call(t, 'POST', '/files/export', { desktopId: pc, path });
      expect([path, r.status, r.body.code]).toEqual([path, status, code]);
      expect(r.body.error).toEqual(expect.any(String));
    }
    // Links that stay inside the home are followed, as they would be inside the computer.
    for (const path of ['/home/user/Documents/ok-link', '~/abs-link/ok.txt']) {
      const ok = await t.client.exportFile(pc, path);
      expect(ok).toMatchObject({ name: 'ok.txt', size: 7, desktop_path: '/home/user/Documents/sub/ok.txt' });
    }
  });

  it('refuses expired and tampered links with 403', async () => {
    const f = await t.client.uploadFile(fileOf('secret.txt', 'secret'), { workspaceId: ws });
    const other = await t.client.uploadFile(fileOf('other.txt', 'other'), { workspaceId: ws });
    const { url } = await t.client.downloadUrl(f.id);
    const u = new URL(url);
    const signer = LinkSigner.forDataDir(t.dataDir);
    const expired = signer.sign(f.id, Math.floor(Date.now() / 1000) - 1);
    const variants: Array<[string, string]> = [
      ['expired', `${u.origin}${u.pathname}?expires=${expired.expires}&sig=${expired.sig}`],
      ['later expiry', url.replace(/expires=\d+/, (m) => `expires=${Number(m.slice(8)) + 3600}`)],
      ['flipped signature', url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`)],
      ['no signature', `${u.origin}${u.pathname}`],
      ['another file', url.replace(f.id, other.id)],
    ];
    for (const [what, bad] of variants) {
      const r = await fetch(bad);
      const body = (await r.json()) as { code: string };
      expect([what, r.status, body.code]).toEqual([what, 403, what === 'expired' ? 'link_expired' : 'link_invalid']);
    }
    expect((await fetch(url)).status).toBe(200);
  });

  it('deletes a file: gone from the list, its link answers 404, the desktop copy stays', async () => {
    const f = await t.client.uploadFile(fileOf('to-delete.txt', 'bye'), { workspaceId: ws, desktopId: pc });
    const { url } = await t.client.downloadUrl(f.id);
    expect(await t.client.deleteFile(f.id)).toEqual({ success: true, id: f.id });
    expect((await t.client.listFiles({ workspaceId: ws })).map((x) => x.id)).not.toContain(f.id);
    expect((await fetch(url)).status).toBe(404);
    expect(existsSync(`${t.dataDir}/files/${f.id}`)).toBe(false);
    expect((await call(t, 'DELETE', `/files/delete?id=${f.id}`)).status).toBe(404);
    expect(await sh('cat ~/Desktop/to-delete.txt')).toBe('bye');
  });
});

describe('key scopes', () => {
  it('keeps a workspace-scoped key to its own workspace\'s files', async () => {
    const mine = (await t.client.createWorkspace('scoped-mine')).id;
    const key = (await t.client.createKey({ name: 'scoped', workspace_id: mine })).key;
    const scoped = new OrgoClient({ baseUrl: t.api, apiKey: key });
    const own = await scoped.uploadFile(fileOf('own.txt', 'own'), { workspaceId: mine });
    const theirs = await t.client.uploadFile(fileOf('theirs.txt', 'theirs'), { workspaceId: ws });

    expect((await scoped.listFiles()).map((f) => f.id)).toEqual([own.id]);
    const mismatch = { code: 'workspace_scope_mismatch', key_workspace_id: mine, target_workspace_id: ws };
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/files?workspaceId=${ws}`],
      ['GET', `/files?desktopId=${pc}`],
      ['GET', `/files/download?id=${theirs.id}`],
      ['DELETE', `/files/delete?id=${theirs.id}`],
      ['POST', '/files/export', { desktopId: pc, path: '/home/user/Desktop/hello.txt' }],
    ];
    for (const [method, path, body] of attempts) {
      const r = await call(t, method, path, body, key);
      expect([method, path, r.status, r.body]).toEqual([method, path, 403, expect.objectContaining(mismatch)]);
    }
    for (const to of [{ workspaceId: ws }, { desktopId: pc }]) {
      const err = await scoped.uploadFile(fileOf('x.txt', 'x'), to).catch((e: OrgoApiError) => e);
      expect([(err as OrgoApiError).status, (err as OrgoApiError).code]).toEqual([403, 'workspace_scope_mismatch']);
    }
    expect(await sh('ls ~/Desktop')).not.toContain('x.txt');
  });
});
