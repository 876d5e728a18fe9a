/**
 * Device-code login (RFC 8628) as the SDK speaks it: ask for a code, then poll the token endpoint
 * until the person approves on the verification page. The endpoints hang off the API's root (the
 * base URL without its trailing /api): `/oauth/device/code` and `/oauth/token`, answering in
 * OAuth's own shape (`error` is a code there, `error_description` the words).
 */

export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_CLIENT_ID = 'orgo-desktop';

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export type DeviceTokenAnswer =
  | { ok: true; accessToken: string }
  | { ok: false; error: 'authorization_pending' | 'slow_down' | 'access_denied' | 'expired_token' | (string & {}); description: string; status: number };

/** `https://host/api` -> `https://host`; a base without /api is its own root. */
export function apiRoot(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

async function post(url: string, form: Record<string, string>, fetchImpl: typeof fetch): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { error: 'invalid_response', error_description: `Unexpected answer from ${new URL(url).pathname} (HTTP ${res.status})` };
  }
  return { status: res.status, body };
}

export async function requestDeviceCode(baseUrl: string, options: { clientName?: string; fetch?: typeof fetch } = {}): Promise<DeviceAuthorization> {
  const url = `${apiRoot(baseUrl)}/oauth/device/code`;
  const { status, body } = await post(url, { client_id: DEVICE_CLIENT_ID, ...(options.clientName ? { client_name: options.clientName } : {}) }, options.fetch ?? fetch);
  if (status === 404) throw new Error(`${apiRoot(baseUrl)} does not offer device-code login; paste an API key instead`);
  if (status !== 200 || typeof body.device_code !== 'string' || typeof body.user_code !== 'string') {
    throw new Error(String(body.error_description ?? body.error ?? `Device-code login failed (HTTP ${status})`));
  }
  const a = body as unknown as DeviceAuthorization;
  return {
    device_code: a.device_code,
    user_code: a.user_code,
    verification_uri: a.verification_uri,
    verification_uri_complete: a.verification_uri_complete ?? a.verification_uri,
    expires_in: Number(a.expires_in) || 600,
    interval: Number(a.interval) || 5,
  };
}

export async function pollDeviceToken(baseUrl: string, deviceCode: string, options: { fetch?: typeof fetch } = {}): Promise<DeviceTokenAnswer> {
  const url = `${apiRoot(baseUrl)}/oauth/token`;
  const { status, body } = await post(url, { grant_type: DEVICE_GRANT_TYPE, device_code: deviceCode, client_id: DEVICE_CLIENT_ID }, options.fetch ?? fetch);
  if (status === 200 && typeof body.access_token === 'string') return { ok: true, accessToken: body.access_token };
  return { ok: false, error: String(body.error ?? 'invalid_response'), description: String(body.error_description ?? body.error ?? `HTTP ${status}`), status };
}
