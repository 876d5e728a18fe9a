/**
 * Orgo's Python SDK's other agent path, `computer.prompt(…, provider="anthropic")`
 * (`AnthropicProvider._execute_tool` in 0.0.40), replayed against a real host and desktop: the
 * model's tool calls become plain `requests.get/post` to `{base_api_url}/api/computers/{id}/…`
 * (with the README's `base_api_url`, `…/api/api/computers/…`), with the key and
 * `Content-Type: application/json`, and `raise_for_status()` on each. A screenshot's `image` is
 * fetched as a URL with no key, must be `image/*` and at least 100 bytes, and goes to the model
 * labelled `image/jpeg`. A failed request is swallowed as "Action … completed" by the SDK, so each
 * call's status and its effect on the screen are checked here. The SDK's code is not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestHost, TEST_KEY, type TestHost } from '../helpers/host.js';
import { PySession } from '../helpers/python-requests.js';

let t: TestHost;
let id: string;
let sdk: PySession;
let bare: PySession;
const sh = async (command: string) => (await t.client.bash(id, command)).output;

/** The provider's `orgo_url`: `base_api_url` as the user gave it to `Computer(…)`. */
const base = () => `${t.api}/api/computers/${id}`;

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(b: Buffer): { width: number; height: number } {
  expect([b[0], b[1]]).toEqual([0xff, 0xd8]);
  for (let i = 2; i + 9 < b.length; ) {
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no SOF marker');
}

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('provider');
  id = (await t.client.createComputer({ workspace_id: ws.id, name: 'provider' })).id;
  sdk = new PySession({ headers: { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/json' } });
  bare = new PySession();
});
afterAll(async () => {
  sdk?.close();
  bare?.close();
  await t?.close();
});

describe('AnthropicProvider (computer.prompt with provider="anthropic"), replayed', () => {
  it('screenshot: image is a link that fetches a JPEG of the screen once, with no key', async () => {
    const r = await sdk.request('GET', `${base()}/screenshot`);
    expect(r.status).toBe(200);
    const link = String(r.json?.image ?? '');
    expect(link).toMatch(new RegExp(`^${t.host.url}/screenshots/[A-Za-z0-9_-]{43}$`));
    const img = await bare.request('GET', link);
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['cache-control']).toBe('no-store');
    // The link is spent: a second fetch (or anyone who saw it later) finds nothing.
    const again = await bare.request('GET', link);
    expect([again.status, again.json?.error]).toEqual([404, 'No such screenshot: a link is good for one fetch within a minute of the screenshot']);
  });

  it('the image behind the link decodes as a JPEG of the screen size', async () => {
    const r = await sdk.request('GET', `${base()}/screenshot`);
    const res = await fetch(String(r.json?.image));
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(jpeg.length).toBeGreaterThan(100);
    expect(jpegSize(jpeg)).toEqual({ width: r.json?.width, height: r.json?.height });
    expect([r.json?.width, r.json?.height]).toEqual([1280, 720]);
  });

  it('a guessed link and a link-shaped path find nothing; the doubled prefix still needs the key', async () => {
    expect((await bare.request('GET', `${t.host.url}/screenshots/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await bare.request('GET', `${t.host.url}/screenshots/..%2Fapi%2Fworkspaces`)).status).toBe(404);
    const noKey = await bare.request('GET', `${base()}/screenshot`);
    expect([noKey.status, noKey.json?.error]).toEqual([401, 'Missing API key: send Authorization: Bearer <key>']);
    const wrongKey = await new PySession({ headers: { Authorization: 'Bearer sk_live_wrong' } }).request('GET', `${base()}/screenshot`);
    expect(wrongKey.status).toBe(401);
    // Through the ordinary prefix the answer stays bare base64, as the rest of the SDK reads it.
    const plain = await call(t, 'GET', `/computers/${id}/screenshot`);
    expect(String(plain.body.image)).toMatch(/^iVBORw0KGgo/);
  });

  it('mouse_move, clicks, type, key, scroll and drag all succeed and act on the screen', async () => {
    await sh('xterm -geometry 80x20+100+100 -title provider-term >/dev/null 2>&1 & sleep 1.2');
    const post = (path: string, json: Record<string, unknown>) => sdk.request('POST', `${base()}/${path}`, { json });
    // mouse_move: POST /move {x, y}
    expect((await post('move', { x: 300, y: 250 })).status).toBe(200);
    expect(await sh('xdotool getmouselocation --shell | head -2')).toBe('X=300\nY=250\n');
    // left_click into the terminal, then type and key ("Return" becomes "Enter")
    expect((await post('click', { x: 300, y: 200, button: 'left', double: false })).status).toBe(200);
    expect((await post('type', { text: 'echo provider-$((6*7)) > /tmp/provider.txt' })).status).toBe(200);
    expect((await post('key', { key: 'Enter' })).status).toBe(200);
    await expect.poll(() => sh('cat /tmp/provider.txt 2>/dev/null'), { timeout: 10_000 }).toBe('provider-42\n');
    for (const [path, json] of [
      ['click', { x: 640, y: 360, button: 'right', double: false }],
      ['click', { x: 200, y: 200, button: 'left', double: true }],
      ['click', { x: 200, y: 200, button: 'middle', double: false }],
      ['scroll', { direction: 'down', amount: 3 }],
      ['drag', { start_x: 300, start_y: 108, end_x: 500, end_y: 300, button: 'left', duration: 0.5 }],
    ] as const) {
      const r = await post(path, json);
      expect([path, r.status]).toEqual([path, 200]);
    }
    expect(await sh('xdotool getmouselocation --shell | head -2')).toBe('X=500\nY=300\n');
  });
});
