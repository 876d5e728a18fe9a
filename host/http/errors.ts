/**
 * One error type for the whole host: a status, a message for people, and optionally a
 * machine-readable code and extra fields. The final handler (http/app.ts) renders it as
 * `{"error": message, "code": ..., "request_id": ...}` and hides the internals of anything else.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`, 'not_found');
export const badRequest = (message: string, code = 'invalid_request') => new HttpError(400, message, code);
export const conflict = (message: string, code = 'conflict') => new HttpError(409, message, code);
export const notRunning = () => new HttpError(400, 'Desktop instance not available', 'desktop_not_running');
