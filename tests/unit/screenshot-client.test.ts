/** The SDK takes a screenshot's image in every form Orgo has answered it: data URL, bare base64, URL. */
import { describe, expect, it } from 'vitest';
import { OrgoClient } from '../../shared/api/client.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const b64 = Buffer.from(PNG).toString('base64');

function clientAnswering(answer: (url: string) => Response): OrgoClient {
  const fake = (async (input: string | URL | Request) => answer(String(input))) as typeof fetch;
  return new OrgoClient({ baseUrl: 'https://orgo.example/api', apiKey: 'sk_live_x', fetch: fake });
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

describe('screenshot bytes', () => {
  it('reads a data URL, bare base64, or a URL to fetch', async () => {
    for (const image of [`data:image/png;base64,${b64}`, b64, 'https://cdn.example/shot.png']) {
      const c = clientAnswering((url) => (url.startsWith('https://cdn.example/') ? new Response(PNG) : json({ success: true, image })));
      expect([...(await c.screenshotBytes('pc'))]).toEqual([...PNG]);
    }
  });

  it('takes raw bytes as they are', async () => {
    const c = clientAnswering(() => new Response(PNG, { headers: { 'content-type': 'image/png' } }));
    expect([...(await c.screenshotBytes('pc'))]).toEqual([...PNG]);
  });

  it('throws the API error of a failed request', async () => {
    const c = clientAnswering(() => new Response(JSON.stringify({ error: 'Desktop instance not available' }), { status: 400 }));
    await expect(c.screenshotBytes('pc')).rejects.toMatchObject({ status: 400, message: 'Desktop instance not available' });
  });
});
