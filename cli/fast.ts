/**
 * The hot path (cli/hot.ts chose it): one GET with the same profile, key and words as the full
 * command, printed as `--json` prints it. It answers only the ordinary case. When anything is
 * out of the ordinary (no key, an error status, an unreachable server, "This computer" not
 * running yet) it prints nothing and answers false, and the full program runs the command,
 * which starts the built-in host or says what went wrong in its usual words. The request is a
 * read, so making it twice in that case is harmless.
 */
import { keyFor, place } from './connect.js';
import { lightFetch } from './http-fetch.js';
import type { HotCall } from './hot.js';
import { printJson } from './output.js';

export async function runHot(call: HotCall, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  let p: ReturnType<typeof place>;
  try {
    p = place(call.profile, env);
  } catch {
    return false;
  }
  const k = await keyFor(p, env);
  if (!k) return false;
  try {
    // The full command's 180 s, as a plain timer: AbortSignal.timeout costs more CPU to set up
    // than the rest of this function. When it fires the full program tries once more (and
    // leaves, with its own words, whatever this request still holds).
    const res = await Promise.race([
      lightFetch(`${p.profile.baseUrl.replace(/\/+$/, '')}/computers`, { headers: { authorization: `Bearer ${k.key}` } }),
      new Promise<null>((resolve) => setTimeout(resolve, 180_000, null).unref()),
    ]);
    if (!res || !res.ok || !/json/.test(res.headers.get('content-type') ?? '')) return false;
    const body = (await res.json()) as { computers?: unknown };
    if (!Array.isArray(body.computers)) return false;
    printJson(body.computers);
    return true;
  } catch {
    return false;
  }
}
