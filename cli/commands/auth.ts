/** login (device code, or a key on stdin), logout, whoami. */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { OrgoClient } from '../../shared/api/client.js';
import { DeviceLogins } from '../../app/login.js';
import type { LoginProgress } from '../../shared/ipc/types.js';
import type { Ctx } from '../context.js';
import { keyFor, place, type Place } from '../connect.js';
import { lightFetch } from '../http-fetch.js';
import { CliError, UsageError } from '../fail.js';
import { onInterrupt } from '../interrupt.js';
import { note, paint, printJson, say, spinner } from '../output.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--with-token reads the key from stdin: echo "$ORGO_API_KEY" | orgo login --with-token');
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s.trim();
}

/** Opens the verification page where a browser can be shown; quietly nothing elsewhere. */
function openBrowser(url: string): boolean {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  try {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

async function store(ctx: Ctx, p: Place, key: string): Promise<string> {
  const where = await p.keys.set(p.profile.id, key);
  if (where === 'file') note(`No system keychain answered${p.keys.problem ? ` (${p.keys.problem})` : ''}; the key is in ${p.keys.file}, readable only by you.`);
  return where;
}

export async function login(ctx: Ctx): Promise<number> {
  const p = place(ctx.profile);
  ctx.server = p.profile.baseUrl;
  const { out } = ctx;
  if (p.profile.id === 'local') await p.localHost.ensure().catch(() => {});
  if (ctx.opts.withToken) {
    const key = await readStdin();
    if (!key) throw new UsageError('No key on stdin');
    await new OrgoClient({ baseUrl: p.profile.baseUrl, apiKey: key, fetch: lightFetch }).listWorkspaces();
    const where = await store(ctx, p, key);
    if (out.json) printJson({ profile: p.profile, stored_in: where });
    else say(out, `${paint(out, 'green', '✓')} Signed in to ${p.profile.name} (${p.profile.baseUrl}); key kept in the ${where === 'keychain' ? 'system keychain' : 'credentials file'}.`);
    return 0;
  }
  let approvedKey: string | null = null;
  const logins = new DeviceLogins({ clientName: `orgo CLI on ${hostname()}` });
  let settle!: (p: LoginProgress) => void;
  const finished = new Promise<LoginProgress>((r) => (settle = r));
  const first = await logins.start(p.profile.id, p.profile.baseUrl, {
    progress: (pr) => {
      if (pr.state !== 'waiting' && pr.state !== 'slow_down') settle(pr);
      else spin.text(pr.message);
    },
    // Kept once the spinner is gone, so a note about where it went gets a line of its own.
    approved: async (key) => {
      approvedKey = key;
    },
  });
  note(`First copy your one-time code: ${paint({ color: out.color && out.errTty }, 'bold', first.userCode)}`);
  const opened = ctx.opts.browser !== false && openBrowser(first.verificationUriComplete);
  note(`${opened ? 'Opened' : 'Open'} ${first.verificationUri} in a browser${opened ? '' : ' (on any device)'} and enter the code to approve this login.`);
  const spin = spinner(out, 'Waiting for approval in your browser…');
  const stop = onInterrupt(() => {
    logins.cancel(p.profile.id);
    settle({ ...first, state: 'cancelled', message: 'Cancelled; nothing was signed in.' });
  });
  const end = await finished;
  stop();
  spin.stop();
  if (end.state !== 'approved' || !approvedKey) throw new CliError(end.message, end.state === 'cancelled' ? 130 : 1, `login_${end.state}`);
  const where = await store(ctx, p, approvedKey);
  if (out.json) printJson({ profile: p.profile, stored_in: where });
  else say(out, `${paint(out, 'green', '✓')} Signed in to ${p.profile.name} (${p.profile.baseUrl}).`);
  return 0;
}

export async function logout(ctx: Ctx): Promise<number> {
  const p = place(ctx.profile);
  const had = await p.keys.delete(p.profile.id);
  const left = await keyFor(p);
  const { out } = ctx;
  if (out.json) printJson({ profile: p.profile, removed: had, still_signed_in_by: left?.source ?? null });
  else {
    say(out, had ? `Signed out of ${p.profile.name}.` : `No key was stored for ${p.profile.name}.`);
    if (left?.source === 'environment') say(out, 'ORGO_API_KEY is still set, and is used while it is.');
    if (left?.source === 'host') say(out, "This computer's own host key is still readable, so commands keep working here.");
  }
  return 0;
}

export async function whoami(ctx: Ctx): Promise<number> {
  const c = await ctx.connect();
  const workspaces = await c.client.listWorkspaces();
  const { out } = ctx;
  const view = { profile: { id: c.profile.id, name: c.profile.name, base_url: c.profile.baseUrl }, key_source: c.source, key_prefix: `${c.key.slice(0, 12)}…`, workspaces: workspaces.length };
  if (out.json) printJson(view);
  else {
    say(out, `${paint(out, 'bold', c.profile.name)} (${c.profile.id})  ${c.profile.baseUrl}`);
    say(out, `Key ${view.key_prefix} from ${c.source === 'host' ? "the built-in host's key file" : c.source === 'environment' ? 'ORGO_API_KEY' : c.source === 'keychain' ? 'the system keychain' : 'the credentials file'}; it reaches ${workspaces.length} workspace${workspaces.length === 1 ? '' : 's'}.`);
  }
  return 0;
}
