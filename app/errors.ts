/**
 * Errors in words for people: the API's own message and code, or what went wrong on the way
 * (refused connection, timeout, unknown host), never a bare "fetch failed".
 */
import { OrgoApiError } from '../shared/api/client.js';
import type { IpcError } from '../shared/ipc/channels.js';

const NET: Record<string, string> = {
  ECONNREFUSED: 'nothing answers at that address (connection refused)',
  ENOTFOUND: 'the server name could not be found',
  EAI_AGAIN: 'the server name could not be looked up (no network?)',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the server cannot be reached',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate cannot be verified",
};

export function describeError(e: unknown): IpcError {
  if (e instanceof OrgoApiError) {
    const words = e.status === 401 ? `${e.message}. Sign in again.` : e.message;
    return { message: words, code: e.code, status: e.status };
  }
  const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return { message: 'The server took too long to answer', code: 'timeout' };
  // An error wrapping an API answer (its cause has a `code` too) is words already, not a network failure.
  if (err?.message === 'fetch failed' || (err?.cause?.code && !(err.cause instanceof OrgoApiError))) {
    const code = err.cause?.code ?? '';
    return { message: `Could not reach the server: ${NET[code] ?? err.cause?.message ?? 'network error'}`, code: 'unreachable' };
  }
  return { message: err?.message || String(e), ...(err?.code && typeof err.code === 'string' ? { code: err.code } : {}) };
}
