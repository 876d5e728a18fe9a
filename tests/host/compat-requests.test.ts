/**
 * Python's `requests` itself, used the way Orgo's SDK uses it (tests/host/py/sdk_like.py), against
 * a real host with a real desktop; and the wire of compat-sdk.test.ts's replay checked against
 * what requests really sends. Needs python3 with requests (Debian's python3-requests, in
 * scripts/ensure.sh's test packages); without it these are reported as skipped, not passed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { PySession } from '../helpers/python-requests.js';

const PY = join(import.meta.dirname, 'py');
const hasRequests = (() => {
  try {
    execFileSync('python3', ['-c', 'import requests'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A server that records each request's method, path, headers (without Host) and body. */
async function recorder(): Promise<{ url: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const { host: _host, ...headers } = req.headers;
      seen.push({ method: req.method!, url: req.url!, headers, body });
      res.setHeader('content-type', 'application/json').end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api`, seen, close: () => server.close() };
}

describe.skipIf(!hasRequests)("python3's requests, as Orgo's SDK uses it", () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(() => t?.close());

  it("sends what the replay sends: headers, json.dumps bodies, Content-Length 0 on body-less POST and DELETE", async () => {
    const real = await recorder();
    await promisify(execFile)('python3', [join(PY, 'wire.py'), real.url]);
    real.close();
    const ours = await recorder();
    const s = new PySession({ headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json', Accept: 'application/json' } });
    await s.request('GET', `${ours.url}/projects`);
    await s.request('POST', `${ours.url}/computers/x/restart`);
    await s.request('DELETE', `${ours.url}/projects/x`);
    await s.request('POST', `${ours.url}/computers`, { json: { workspace_id: 'w', name: 'hé', ram: 2, duration: 0.5, double: true } });
    s.close();
    ours.close();
    const version = (h: IncomingHttpHeaders) => ({ ...h, 'user-agent': String(h['user-agent']).replace(/\/[\d.]+$/, '/N') });
    expect(ours.seen.map((r) => ({ ...r, headers: version(r.headers) }))).toEqual(real.seen.map((r) => ({ ...r, headers: version(r.headers) })));
    expect(real.seen[3]!.body).toBe('{"workspace_id": "w", "name": "h\\u00e9", "ram": 2, "duration": 0.5, "double": true}');
  });

  it('creates a project and a computer with the defaults, reads desktops, decodes the screenshot, restarts and deletes the project with its computer', async () => {
    const { stdout } = await promisify(execFile)('python3', [join(PY, 'sdk_like.py'), t.api], { env: { ...process.env, ORGO_API_KEY: TEST_KEY }, timeout: 90_000 });
    expect(JSON.parse(stdout)).toEqual({
      projects_before: 0,
      status: 'running',
      desktops: ['computer-1234'],
      png_signature: true,
      png_size: [1280, 720],
      bash: 'hi from user\n',
      click: true,
      restart: 'running',
      duplicate: 'A workspace named "py-compat" already exists',
      delete_project: true,
      projects_after: 0,
    });
    expect(await t.client.listWorkspaces()).toEqual([]);
  }, 120_000);

  it('uploads as the SDK does (files= multipart): a 3 MB file byte for byte and a small one; an unknown workspace is a 404 in words', async () => {
    const ws = await t.client.createWorkspace('py-upload');
    const { stdout } = await promisify(execFile)('python3', [join(PY, 'upload_like.py'), t.api, ws.id], { env: { ...process.env, ORGO_API_KEY: TEST_KEY }, timeout: 90_000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ 'big.bin': [201, 3 * 1024 * 1024 + 11], 'small.txt': [201, 5], missing: [404, 'not_found'] });
    const big = (await t.client.listFiles({ workspaceId: ws.id })).find((f) => f.name === 'big.bin')!;
    const { url } = await t.client.downloadUrl(big.id);
    const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(out.big_sha256);
    await t.client.deleteWorkspace(ws.id);
  }, 120_000);
});
