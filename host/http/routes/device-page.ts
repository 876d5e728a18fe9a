/**
 * The verification page of device-code login, where the host's owner approves or denies a code.
 *
 * How the owner signs in on a local host: there are no passwords on this host, only API keys,
 * so the owner pastes an account-wide API key (the host printed its first key when it started
 * and saved it as `api-key`, mode 0600, in its data dir). The key is checked once and never
 * stored by the page; what the browser gets is a random session id in an HttpOnly,
 * SameSite=Strict cookie scoped to /device (Secure over HTTPS), valid for 30 minutes, held in
 * memory (a host restart signs the page out). Every form also carries a per-session CSRF token,
 * and a POST whose Origin is another site is refused. The page runs no script at all; its CSP
 * allows only its own nonce-tagged style and forms posting back to itself.
 *
 * Guessing is bounded: wrong codes and wrong keys are counted per client address, 10 per
 * 10 minutes, then 429 until the window passes.
 */
import { randomBytes } from 'node:crypto';
import { sameSecret } from '../../../shared/node/secrets.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatUserCode, normalizeUserCode } from '../../auth/device-codes.js';
import type { DeviceCodeRow } from '../../store/device-codes.js';
import type { HostServices } from '../services.js';
import { originOf } from '../request.js';

const SESSION_MS = 30 * 60 * 1000;
const COOKIE = 'orgo_device_session';
const WINDOW_MS = 10 * 60 * 1000;
const MAX_FAILURES = 10;

interface OwnerSession {
  keyId: string;
  keyPrefix: string;
  csrf: string;
  expires: number;
}

class FailureLimit {
  private readonly seen = new Map<string, { count: number; until: number }>();
  blocked(who: string, now = Date.now()): number {
    const e = this.seen.get(who);
    if (!e || e.until < now) return 0;
    return e.count >= MAX_FAILURES ? Math.ceil((e.until - now) / 60000) : 0;
  }
  fail(who: string, now = Date.now()): void {
    const e = this.seen.get(who);
    if (!e || e.until < now) this.seen.set(who, { count: 1, until: now + WINDOW_MS });
    else e.count++;
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
:root{color-scheme:dark;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;font-size:15px;line-height:1.5;color:#e7e9ef;background:#0d0f14}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:radial-gradient(circle at 50% 0%,#1b1838,#0d0f14 60%)}
main{width:min(440px,calc(100vw - 32px));background:#171b23;border:1px solid #262c38;border-radius:16px;padding:30px;box-shadow:0 20px 50px rgba(0,0,0,.45)}
.brand{display:flex;align-items:center;gap:10px;font-weight:650;color:#b3b9c7;margin-bottom:22px}
.logo{width:26px;height:26px;border-radius:7px;background:linear-gradient(135deg,#8b7cff,#4f46e5)}
h1{font-size:21px;margin:0 0 8px;letter-spacing:-.01em}
p{margin:0 0 14px;color:#b3b9c7}.muted{color:#808899;font-size:13px}form p.muted{margin:8px 0 16px}
label{display:block;font-size:13px;color:#b3b9c7;margin:14px 0 6px;font-weight:500}
input{box-sizing:border-box;width:100%;height:42px;padding:0 12px;border-radius:9px;border:1px solid #313847;background:#0d0f14;color:#e7e9ef;font:inherit}
input.code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:22px;letter-spacing:.14em;text-align:center;text-transform:uppercase;height:52px}
input:focus{outline:2px solid #7c6cff;outline-offset:1px}
.row{display:flex;gap:10px;margin-top:20px}.row form{flex:1;margin:0}
button{width:100%;height:42px;border-radius:9px;border:1px solid #313847;background:#1d222c;color:#e7e9ef;font:inherit;font-weight:600;cursor:pointer}
button.primary{background:linear-gradient(180deg,#8576ff,#6656f5);border-color:transparent;color:#fff}
button.danger{color:#fca5a5}
button:hover{filter:brightness(1.1)}
.codebox{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:32px;font-weight:600;letter-spacing:.16em;text-align:center;padding:16px;border-radius:12px;border:1px dashed #313847;background:#0d0f14;margin:16px 0}
.client{display:flex;gap:12px;align-items:center;padding:12px 14px;border-radius:10px;background:#12151c;border:1px solid #262c38;margin-bottom:6px}
.client b{display:block}.error{color:#fecaca;background:rgba(248,113,113,.1);border:1px solid rgba(248,113,113,.3);padding:10px 12px;border-radius:9px;margin:12px 0 0;font-size:14px}
.ok{color:#34d399}.bad{color:#f87171}.who{display:flex;justify-content:space-between;align-items:center;margin-top:22px;padding-top:14px;border-top:1px solid #262c38}
.who form{margin:0}.who button{width:auto;height:auto;padding:4px 8px;background:none;border:none;color:#808899;font-weight:500;font-size:13px}
.icon{font-size:34px;margin-bottom:8px}`;

function page(reply: FastifyReply, status: number, title: string, body: string, session?: OwnerSession | null) {
  const nonce = randomBytes(16).toString('base64');
  const who = session
    ? `<div class="who"><span class="muted">Signed in as the owner (key ${esc(session.keyPrefix)}…)</span><form method="post" action="/device/signout"><input type="hidden" name="csrf" value="${esc(session.csrf)}"><button type="submit">Sign out</button></form></div>`
    : '';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="same-origin"><title>${esc(title)} · Orgo</title><style nonce="${nonce}">${STYLE}</style></head><body><main><div class="brand"><span class="logo"></span>Orgo host</div>${body}${who}</main></body></html>`;
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts.
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .send(html);
}

const clientLabel = (row: DeviceCodeRow) => esc(row.client_name ?? row.client_id);

export function devicePageRoutes(app: FastifyInstance, s: HostServices): void {
  const sessions = new Map<string, OwnerSession>();
  const codeFailures = new FailureLimit();
  const keyFailures = new FailureLimit();

  const sessionOf = (req: FastifyRequest): { id: string; session: OwnerSession } | null => {
    const m = /(?:^|;\s*)orgo_device_session=([A-Za-z0-9_-]{20,100})/.exec(req.headers.cookie ?? '');
    const id = m?.[1];
    const session = id ? sessions.get(id) : undefined;
    if (!id || !session) return null;
    // A session whose key was deleted since ends with it.
    if (session.expires < Date.now() || !s.keys.get(session.keyId)) {
      sessions.delete(id);
      return null;
    }
    return { id, session };
  };
  const cookie = (req: FastifyRequest, value: string, maxAge: number) =>
    `${COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/device; Max-Age=${maxAge}${req.protocol === 'https' ? '; Secure' : ''}`;
  const sameOrigin = (req: FastifyRequest) => !req.headers.origin || req.headers.origin === originOf(req);
  const csrfOk = (session: OwnerSession, body: Record<string, unknown>) => {
    return sameSecret(String(body.csrf ?? ''), session.csrf);
  };
  const codeValue = (raw: unknown) => esc(typeof raw === 'string' ? raw.slice(0, 20) : '');

  const signInPage = (reply: FastifyReply, userCode: unknown, error?: string, status = 200) =>
    page(
      reply,
      status,
      'Sign in to approve',
      `<h1>Approve a device</h1>
       <p>An app is asking to sign in to this Orgo host. To approve it, sign in as the host's owner.</p>
       <form method="post" action="/device/signin">
         <input type="hidden" name="user_code" value="${codeValue(userCode)}">
         <label for="k">Owner API key</label>
         <input id="k" name="api_key" type="password" autocomplete="off" required autofocus placeholder="sk_live_…">
         <p class="muted">Any account-wide key of this host works. The host printed its first key when it started and saved it as <code>api-key</code> in its data dir. The key is checked, not stored.</p>
         <button class="primary" type="submit">Sign in</button>
       </form>${error ? `<div class="error" role="alert">${esc(error)}</div>` : ''}`,
    );

  const enterCodePage = (reply: FastifyReply, session: OwnerSession, userCode: unknown, error?: string, status = 200) =>
    page(
      reply,
      status,
      'Enter your code',
      `<h1>Enter the code</h1>
       <p>Type the code your app shows.</p>
       <form method="post" action="/device/code">
         <input type="hidden" name="csrf" value="${esc(session.csrf)}">
         <input class="code" name="user_code" value="${codeValue(userCode)}" placeholder="XXXX-XXXX" maxlength="20" autocomplete="off" autofocus required aria-label="Code">
         <div class="row"><button class="primary" type="submit">Continue</button></div>
       </form>${error ? `<div class="error" role="alert">${esc(error)}</div>` : ''}`,
      session,
    );

  const decisionForm = (session: OwnerSession, row: DeviceCodeRow, decision: 'approve' | 'deny', className: string, label: string) =>
    `<form method="post" action="/device/decide"><input type="hidden" name="csrf" value="${esc(session.csrf)}"><input type="hidden" name="user_code" value="${row.user_code}"><input type="hidden" name="decision" value="${decision}"><button class="${className}" type="submit">${label}</button></form>`;

  const confirmPage = (reply: FastifyReply, session: OwnerSession, row: DeviceCodeRow) =>
    page(
      reply,
      200,
      'Approve this device?',
      `<h1>Approve this device?</h1>
       <p>Only approve if this is the code your app shows right now.</p>
       <div class="codebox" data-code>${formatUserCode(row.user_code)}</div>
       <div class="client"><div><b>${clientLabel(row)}</b><span class="muted">gets its own API key with full access to this host's account: every workspace and computer.</span></div></div>
       <div class="row">
         ${decisionForm(session, row, 'deny', 'danger', 'Deny')}
         ${decisionForm(session, row, 'approve', 'primary', 'Approve')}
       </div>`,
      session,
    );

  /** Looks a typed code up; counts misses toward the limit. Answers the row or words for the person. */
  const lookup = (req: FastifyRequest, raw: unknown): DeviceCodeRow | { error: string; status: number } => {
    const wait = codeFailures.blocked(req.ip);
    if (wait) return { error: `Too many wrong codes. Try again in ${wait} minute${wait === 1 ? '' : 's'}.`, status: 429 };
    const code = typeof raw === 'string' ? normalizeUserCode(raw) : null;
    const row = code ? s.deviceCodes.byUserCode(code) : undefined;
    if (!row || row.status === 'consumed') {
      codeFailures.fail(req.ip);
      return { error: 'That code is not valid. Check it against the one your app shows.', status: 400 };
    }
    if (Date.now() >= row.expires_at) return { error: 'That code has expired. Ask your app for a new one.', status: 400 };
    if (row.status !== 'pending') return { error: `That code was already ${row.status === 'approved' ? 'approved' : 'denied'}.`, status: 400 };
    return row;
  };

  /**
   * A form posted from a signed-in page with a code in it: the owner's session and the code's row,
   * or the page that answers instead (sign in again, refused, or the code's problem).
   */
  const codeForm = (req: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply) => {
    const owner = sessionOf(req);
    const body = req.body ?? {};
    if (!owner) return { answer: signInPage(reply, body.user_code, 'Your sign-in expired; sign in again.', 401) };
    if (!sameOrigin(req) || !csrfOk(owner.session, body)) return { answer: page(reply, 403, 'Refused', '<h1>Refused</h1><p>This form was not sent by this page.</p>') };
    const found = lookup(req, body.user_code);
    if ('error' in found) return { answer: enterCodePage(reply, owner.session, body.user_code, found.error, found.status) };
    return { owner, body, found };
  };

  app.get<{ Querystring: { user_code?: string } }>('/device', async (req, reply) => {
    const owner = sessionOf(req);
    if (!owner) return signInPage(reply, req.query.user_code);
    if (!req.query.user_code) return enterCodePage(reply, owner.session, '');
    const found = lookup(req, req.query.user_code);
    if ('error' in found) return enterCodePage(reply, owner.session, req.query.user_code, found.error, found.status);
    return confirmPage(reply, owner.session, found);
  });

  app.post<{ Body: Record<string, unknown> }>('/device/signin', async (req, reply) => {
    if (!sameOrigin(req)) return page(reply, 403, 'Refused', '<h1>Refused</h1><p>This form was sent from another site.</p>');
    const body = req.body ?? {};
    const wait = keyFailures.blocked(req.ip);
    if (wait) return signInPage(reply, body.user_code, `Too many wrong keys. Try again in ${wait} minute${wait === 1 ? '' : 's'}.`, 429);
    const key = typeof body.api_key === 'string' ? body.api_key.trim() : '';
    const row = key ? s.keyChecker.verify(key) : undefined;
    if (!row) {
      keyFailures.fail(req.ip);
      return signInPage(reply, body.user_code, 'That key is not a key of this host.', 401);
    }
    if (row.workspace_id) return signInPage(reply, body.user_code, 'That key is limited to one workspace. Sign in with an account-wide key.', 403);
    const id = randomBytes(24).toString('base64url');
    sessions.set(id, { keyId: row.id, keyPrefix: row.prefix, csrf: randomBytes(24).toString('base64url'), expires: Date.now() + SESSION_MS });
    const code = typeof body.user_code === 'string' && body.user_code ? `?user_code=${encodeURIComponent(body.user_code.slice(0, 20))}` : '';
    return reply.status(303).header('set-cookie', cookie(req, id, SESSION_MS / 1000)).header('location', `/device${code}`).send();
  });

  app.post<{ Body: Record<string, unknown> }>('/device/code', async (req, reply) => {
    const form = codeForm(req, reply);
    if ('answer' in form) return form.answer;
    return confirmPage(reply, form.owner.session, form.found);
  });

  app.post<{ Body: Record<string, unknown> }>('/device/decide', async (req, reply) => {
    const form = codeForm(req, reply);
    if ('answer' in form) return form.answer;
    const { owner, body, found } = form;
    const approve = body.decision === 'approve';
    s.deviceCodes.update(found.id, { status: approve ? 'approved' : 'denied', decided_by_key_id: owner.session.keyId });
    return approve
      ? page(reply, 200, 'Approved', `<div class="icon ok">✓</div><h1>Device approved</h1><p>${clientLabel(found)} is signing in now. You can close this page and return to the app.</p>`, owner.session)
      : page(reply, 200, 'Denied', `<div class="icon bad">✕</div><h1>Request denied</h1><p>${clientLabel(found)} was not signed in. You can close this page.</p>`, owner.session);
  });

  app.post<{ Body: Record<string, unknown> }>('/device/signout', async (req, reply) => {
    const owner = sessionOf(req);
    if (owner && sameOrigin(req) && csrfOk(owner.session, req.body ?? {})) sessions.delete(owner.id);
    return reply.status(303).header('set-cookie', cookie(req, '', 0)).header('location', '/device').send();
  });
}
