/**
 * Device-code login (RFC 8628) for apps and CLIs: the device authorization endpoint
 * (`POST /oauth/device/code`) and the token endpoint (`POST /oauth/token`), outside /api because
 * the device has no key yet. Answers are OAuth's own shape: `{error: <code>, error_description}`.
 * The verification page where the owner approves lives in device-page.ts. An approved code is
 * exchanged once for a new account-wide API key, minted at that moment (it is never stored in
 * clear, not even between approval and the device's next poll).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEVICE_GRANT_TYPE } from '../../../shared/api/device.js';
import {
  DEVICE_CODE_TTL_S,
  POLL_INTERVAL_S,
  SLOW_DOWN_STEP_S,
  formatUserCode,
  hashDeviceCode,
  newDeviceCode,
  newUserCode,
} from '../../auth/device-codes.js';
import { hashKey, keyPrefix, newApiKey } from '../../auth/keys.js';
import { WindowLimit } from '../../auth/rate-limit.js';
import { logger } from '../../../shared/node/log.js';
import type { HostServices } from '../services.js';
import { devicePageRoutes } from './device-page.js';

const log = logger('device-login');
/** A poll may arrive a little early through network jitter; this much is not "too fast". */
const POLL_LEEWAY_MS = 500;
/** Device codes one address may ask for: a person signs in a few times, not hundreds (each code is a row kept a day). */
export const DEVICE_CODES_PER_WINDOW = 20;
const DEVICE_CODE_WINDOW_MS = 10 * 60_000;
/** Token answers are never cached (RFC 6749 §5.1): Cache-Control for HTTP/1.1, Pragma for HTTP/1.0 caches. */
const NO_CACHE = { 'cache-control': 'no-store', pragma: 'no-cache' };

type Form = Record<string, unknown>;

function oauthError(reply: FastifyReply, error: string, description: string, status = 400) {
  return reply.status(status).headers(NO_CACHE).send({ error, error_description: description });
}

function field(body: Form, name: string, max = 200): string | null {
  const v = body[name];
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;
}

export function deviceRoutes(app: FastifyInstance, s: HostServices): void {
  const codeRequests = new WindowLimit(DEVICE_CODES_PER_WINDOW, DEVICE_CODE_WINDOW_MS);
  app.register(async (scope) => {
    // OAuth clients send forms (RFC 6749 §4.1.3); JSON is accepted too. Only in this scope.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    scope.post('/oauth/device/code', async (req: FastifyRequest, reply) => {
      const body = (req.body ?? {}) as Form;
      const clientId = field(body, 'client_id', 100);
      if (!clientId) return oauthError(reply, 'invalid_request', 'client_id is required');
      const wait = codeRequests.take(req.ip);
      if (wait) {
        reply.header('retry-after', String(wait));
        return oauthError(reply, 'slow_down', `Too many device codes asked for from this address; try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}`, 429);
      }
      // Shown on the approval page: printable characters only.
      const clientName = field(body, 'client_name', 100)?.replace(/[^\P{C}]/gu, '') ?? null;
      s.deviceCodes.purgeExpired();
      const deviceCode = newDeviceCode();
      let userCode = newUserCode();
      // A clash with a live code is one in billions; draw again rather than fail.
      while (s.deviceCodes.byUserCode(userCode)) userCode = newUserCode();
      s.deviceCodes.insert({
        device_code_hash: hashDeviceCode(deviceCode),
        user_code: userCode,
        client_id: clientId,
        client_name: clientName,
        interval_s: POLL_INTERVAL_S,
        expires_at: Date.now() + DEVICE_CODE_TTL_S * 1000,
      });
      // Where the person goes to approve: the host's own public address, never the request's Host
      // header (which whoever sends the request chooses, and would put in front of the user).
      const verify = `${s.publicOrigin()}/device`;
      return reply.headers(NO_CACHE).send({
        device_code: deviceCode,
        user_code: formatUserCode(userCode),
        verification_uri: verify,
        verification_uri_complete: `${verify}?user_code=${formatUserCode(userCode)}`,
        expires_in: DEVICE_CODE_TTL_S,
        interval: POLL_INTERVAL_S,
      });
    });

    scope.post('/oauth/token', async (req: FastifyRequest, reply) => {
      const body = (req.body ?? {}) as Form;
      if (body.grant_type !== DEVICE_GRANT_TYPE) return oauthError(reply, 'unsupported_grant_type', `grant_type must be ${DEVICE_GRANT_TYPE}`);
      const deviceCode = field(body, 'device_code');
      if (!deviceCode) return oauthError(reply, 'invalid_request', 'device_code is required');
      // RFC 8628 §3.4: client_id is required of a client that does not authenticate (all of ours).
      const clientId = field(body, 'client_id', 100);
      if (!clientId) return oauthError(reply, 'invalid_request', 'client_id is required');
      const row = s.deviceCodes.byDeviceCode(hashDeviceCode(deviceCode));
      if (!row || clientId !== row.client_id) return oauthError(reply, 'invalid_grant', 'Unknown device code');
      const now = Date.now();
      if (row.status === 'consumed') return oauthError(reply, 'invalid_grant', 'This device code was already exchanged for a key');
      if (row.status === 'denied') return oauthError(reply, 'access_denied', 'The request was denied on the verification page');
      if (now >= row.expires_at) return oauthError(reply, 'expired_token', 'The device code expired before it was approved');
      if (row.status === 'pending') {
        if (row.last_polled_at !== null && now - row.last_polled_at < row.interval_s * 1000 - POLL_LEEWAY_MS) {
          const interval = row.interval_s + SLOW_DOWN_STEP_S;
          s.deviceCodes.update(row.id, { interval_s: interval, last_polled_at: now });
          return oauthError(reply, 'slow_down', `Polling too fast; wait ${interval} s between polls`);
        }
        s.deviceCodes.update(row.id, { last_polled_at: now });
        return oauthError(reply, 'authorization_pending', 'Waiting for the owner to approve the code');
      }
      // Approved: mint the key now, hand it over once.
      const key = newApiKey();
      const name = `${row.client_name ?? row.client_id} (device login)`.slice(0, 100);
      const keyRow = s.keys.insert(name, hashKey(key), keyPrefix(key), null);
      s.deviceCodes.update(row.id, { status: 'consumed', issued_key_id: keyRow.id, last_polled_at: now });
      log.info(`device login ${formatUserCode(row.user_code)} exchanged for key ${keyRow.prefix}… (${name})`);
      return reply.headers(NO_CACHE).send({ access_token: key, token_type: 'Bearer', scope: 'account', key_id: keyRow.id });
    });

    devicePageRoutes(scope, s);
  });
}
