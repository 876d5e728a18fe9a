/**
 * Orgo's Python SDK (`pip install orgo`, 0.0.40) against a real host with a real desktop,
 * replayed request for request: every call the SDK's `Computer`, `Project` and `ApiClient` make,
 * with the headers its `requests` session sends on every one (User-Agent, `Content-Type:
 * application/json` even on GETs and body-less POSTs and DELETEs), its bodies and defaults
 * (ram 2, cpu 2, gpu "none", a `computer-NNNN` name), and what it reads from each answer
 * (`projects`, `id`, `desktops`, `image` as bare base64, `output`, `error`). The SDK's code is not
 * here: the replay follows what it sends and reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { decodePng } from '../helpers/png.js';
import { computerProcesses } from '../helpers/procs.js';
import { PySession, type PyResponse } from '../helpers/python-requests.js';

/** The SDK's ApiClient: its session headers, GET params or json bodies, and its error handling. */
class SdkApi {
  readonly session: PySession;
  readonly sent: Array<{ method: string; endpoint: string }> = [];
  constructor(
    private readonly baseUrl: string,
    apiKey: string,
  ) {
    this.session = new PySession({ headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' } });
  }

  /** `_request`: raise_for_status, then the answer's `error` as the exception's message. */
  async request(method: string, endpoint: string, data?: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.sent.push({ method, endpoint });
    const url = `${this.baseUrl}/${endpoint}`;
    const res: PyResponse = method === 'GET' ? await this.session.request('GET', url, { params: data as Record<string, string> }) : await this.session.request(method, url, { json: data });
    if (res.status >= 400) {
      if (res.json && 'error' in res.json) throw new Error(String(res.json.error));
      throw new Error(`Request failed with status ${res.status}`);
    }
    if (!res.json) throw new Error(`not JSON: ${res.text.slice(0, 200)}`); // response.json() raises
    return res.json;
  }

  listProjects = async () => ((await this.request('GET', 'projects')).projects ?? []) as Array<Record<string, unknown>>;
  getProjectByName = async (name: string) => {
    const found = (await this.listProjects()).find((p) => p.name === name);
    if (!found) throw new Error(`Project '${name}' not found`);
    return found;
  };
  createProject = (name: string) => this.request('POST', 'projects', { name });
  getProject = (id: string) => this.request('GET', `projects/${id}`);
  deleteProject = (id: string) => this.request('DELETE', `projects/${id}`);
  listComputers = async (projectId: string) => ((await this.getProject(projectId)).desktops ?? []) as Array<Record<string, unknown>>;
  // `image` goes in only when the caller gives one (`Computer(image=...)`, a Forge build).
  createComputer = (projectId: string, name: string, o: { os?: string; ram?: number; cpu?: number; gpu?: string; image?: string } = {}) =>
    this.request('POST', 'computers', { workspace_id: projectId, name, os: o.os ?? 'linux', ram: o.ram ?? 2, cpu: o.cpu ?? 2, gpu: o.gpu ?? 'none', ...(o.image ? { image: o.image } : {}) });
  getComputer = (id: string) => this.request('GET', `computers/${id}`);
  deleteComputer = (id: string) => this.request('DELETE', `computers/${id}`);
  restartComputer = (id: string) => this.request('POST', `computers/${id}/restart`);
  leftClick = (id: string, x: number, y: number) => this.request('POST', `computers/${id}/click`, { button: 'left', x, y });
  rightClick = (id: string, x: number, y: number) => this.request('POST', `computers/${id}/click`, { button: 'right', x, y });
  doubleClick = (id: string, x: number, y: number) => this.request('POST', `computers/${id}/click`, { button: 'left', x, y, double: true });
  drag = (id: string, sx: number, sy: number, ex: number, ey: number) =>
    this.request('POST', `computers/${id}/drag`, { start_x: sx, start_y: sy, end_x: ex, end_y: ey, button: 'left', duration: 0.5 });
  scroll = (id: string, direction: string, amount = 3) => this.request('POST', `computers/${id}/scroll`, { direction, amount });
  typeText = (id: string, text: string) => this.request('POST', `computers/${id}/type`, { text });
  keyPress = (id: string, key: string) => this.request('POST', `computers/${id}/key`, { key });
  getScreenshot = (id: string) => this.request('GET', `computers/${id}/screenshot`);
  executeBash = (id: string, command: string) => this.request('POST', `computers/${id}/bash`, { command });
  executePython = (id: string, code: string, timeout = 10) => this.request('POST', `computers/${id}/exec`, { code, timeout });
  wait = (id: string, duration: number) => this.request('POST', `computers/${id}/wait`, { duration });
}

/**
 * Python's `base64.b64decode(s)`: characters outside the alphabet are dropped, then the padding
 * must come out right or it raises "Incorrect padding" (what a data: URL in `image` caused).
 */
function pyB64decode(s: string): Buffer {
  const kept = s.replace(/[^A-Za-z0-9+/=]/g, '');
  if (kept.length % 4 !== 0 || /=[^=]/.test(kept)) throw new Error('binascii.Error: Incorrect padding');
  return Buffer.from(kept, 'base64');
}

/** `Computer.screenshot()`: fetch a URL in `image` (without the key), else b64-decode it. */
async function sdkScreenshot(api: SdkApi, id: string): Promise<Buffer> {
  const image = String((await api.getScreenshot(id)).image ?? '');
  if (/^https?:\/\//.test(image)) return Buffer.from(await (await fetch(image)).arrayBuffer());
  return pyB64decode(image);
}

let t: TestHost;
let api: SdkApi;
let project: Record<string, unknown>;
let pc: Record<string, unknown>;
const PROJECT = 'compat-sdk';

beforeAll(async () => {
  t = await startTestHost();
  api = new SdkApi(t.api, TEST_KEY);
});
afterAll(async () => {
  api?.session.close();
  await t?.close();
});

describe("Orgo's Python SDK 0.0.40, replayed", () => {
  it('Computer(project=…) on a fresh account: looks the project up by name, creates it, then a computer with the SDK defaults', async () => {
    // _initialize_with_project_name: get_project_by_name raises when it finds none, so it creates.
    await expect(api.getProjectByName(PROJECT)).rejects.toThrow(`Project '${PROJECT}' not found`);
    project = await api.createProject(PROJECT);
    expect(project.id).toEqual(expect.any(String));
    pc = await api.createComputer(String(project.id), 'computer-4821');
    expect(pc).toMatchObject({ id: expect.any(String), name: 'computer-4821', status: 'running', ram: 2, cpu: 2, os: 'linux' });
  });

  it('Computer(project=…) again finds the project by name and adds a computer; Project.list_computers reads desktops', async () => {
    const found = await api.getProjectByName(PROJECT);
    expect(found.id).toBe(project.id);
    expect(found.desktops).toEqual([expect.objectContaining({ id: pc.id, name: 'computer-4821' })]);
    const second = await api.createComputer(String(found.id), 'second');
    const listed = await api.listComputers(String(project.id));
    expect(listed.map((c) => c.name).sort()).toEqual(['computer-4821', 'second']);
    // Project.get_computer(name) picks from the same list.
    expect(listed.find((c) => c.name === 'second')?.id).toBe(second.id);
    // Computer.destroy(): a body-less DELETE with Content-Type: application/json.
    expect(await api.deleteComputer(String(second.id))).toMatchObject({ success: true });
    expect((await api.listComputers(String(project.id))).map((c) => c.id)).toEqual([pc.id]);
  });

  it('status, mouse, keyboard and wait answer as the SDK hands them back', async () => {
    const id = String(pc.id);
    expect(await api.getComputer(id)).toMatchObject({ id, status: 'running' });
    for (const r of [
      await api.leftClick(id, 100, 100),
      await api.rightClick(id, 640, 360),
      await api.keyPress(id, 'Escape'),
      await api.doubleClick(id, 200, 200),
      await api.drag(id, 60, 60, 300, 300),
      await api.scroll(id, 'down'),
      await api.typeText(id, 'héllo'),
      await api.keyPress(id, 'ctrl+a'),
      await api.wait(id, 0.2),
    ]) {
      expect(r.success).toBe(true);
    }
    expect((await call(t, 'GET', `/computers/${id}`)).body.status).toBe('running');
  });

  it('screenshot() decodes image as bare base64 to a PNG of the screen size; screenshot_base64() is that string', async () => {
    const png = await sdkScreenshot(api, String(pc.id));
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([1280, 720]);
    const b64 = String((await api.getScreenshot(String(pc.id))).image);
    expect(b64).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(decodePng(Buffer.from(b64, 'base64')).width).toBe(1280);
  });

  it('bash() returns output, exec() its dict', async () => {
    const id = String(pc.id);
    expect((await api.executeBash(id, 'echo "$((6 * 7))"; whoami')).output).toBe('42\nuser\n');
    expect(await api.executePython(id, 'print(sum(range(5)))')).toMatchObject({ success: true, output: '10\n' });
    const failed = await api.executePython(id, 'raise ValueError("nope")', 5);
    expect(failed).toMatchObject({ success: false, error: 'ValueError: nope' });
  });

  it("raises the host's error text as the SDK shows it", async () => {
    const id = String(pc.id);
    await expect(api.keyPress(id, 'NoSuchKey')).rejects.toThrow(/NoSuchKey/);
    await expect(api.createComputer(String(project.id), 'gpu', { gpu: 'a10' })).rejects.toThrow('gpu "a10" is not available: this host has no GPUs (use "none" or leave it out)');
    // A custom image is refused in words, not ignored (a stock computer made in its place).
    await expect(api.createComputer(String(project.id), 'forge', { image: 'my-forge-build' })).rejects.toThrow(
      'image "my-forge-build" is not available: computers on this host run its own Linux desktop (leave image out)',
    );
    await expect(api.createProject(PROJECT)).rejects.toThrow(/already exists/);
    await expect(new SdkApi(t.api, 'sk_live_wrong').listProjects()).rejects.toThrow('Invalid API key');
    await expect(api.getComputer('nope')).rejects.toThrow('Computer not found');
    // Nothing was created by the refusals.
    expect((await api.listProjects()).filter((p) => p.name === PROJECT)).toHaveLength(1);
    expect(await api.listComputers(String(project.id))).toHaveLength(1);
  });

  it('restart() (a body-less POST) restarts the computer, and it answers after', async () => {
    const id = String(pc.id);
    const before = (await api.getComputer(id)).vnc_password;
    expect(await api.restartComputer(id)).toMatchObject({ id, status: 'running' });
    expect((await api.getComputer(id)).vnc_password).not.toBe(before);
    expect(decodePng(await sdkScreenshot(api, id)).height).toBe(720);
  });

  it('Project.destroy() (a body-less DELETE of a project with a computer) deletes the project and its computers', async () => {
    const instance = String(pc.instance_id);
    expect(await api.deleteProject(String(project.id))).toMatchObject({ success: true, id: project.id, deleted_computers: 1 });
    await expect(api.getProject(String(project.id))).rejects.toThrow('Workspace not found');
    await expect(api.getComputer(String(pc.id))).rejects.toThrow('Computer not found');
    expect(await api.listProjects()).toEqual([]);
    await eventually(() => computerProcesses(instance, 'Xvnc'), (p) => p.length === 0, 10_000, 'the desktop to be gone');
  });

  it('sent every call with the session headers, and a body-less POST or DELETE as Content-Length: 0', async () => {
    // What the host saw is what the SDK would have sent: check the replay's own wire once more.
    const seen: Array<{ ct?: string; ua?: string; len?: string }> = [];
    const { createServer } = await import('node:http');
    const probe = createServer((req, res) => {
      seen.push({ ct: req.headers['content-type'], ua: req.headers['user-agent'], len: req.headers['content-length'] });
      res.setHeader('content-type', 'application/json').end('{"success": true, "projects": []}');
    });
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    const p = new SdkApi(`http://127.0.0.1:${port}/api`, TEST_KEY);
    await p.listProjects();
    await p.restartComputer('x');
    await p.deleteProject('x');
    await p.typeText('x', 'a');
    p.session.close();
    probe.close();
    expect(seen.map((s) => s.ct)).toEqual(Array(4).fill('application/json'));
    expect(seen.every((s) => s.ua?.startsWith('python-requests/'))).toBe(true);
    expect(seen.map((s) => s.len)).toEqual([undefined, '0', '0', '13']);
    expect(api.sent.length).toBeGreaterThan(20);
  });
});
