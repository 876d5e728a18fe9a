/**
 * One error type for the whole host: what the API answers when something cannot be done, with a
 * status, a message for people, and optionally a machine-readable code and extra fields. It lives
 * below the HTTP layer so services, files and the runtime can refuse work without knowing about
 * Fastify; the final handler (http/app.ts) renders it as
 * `{"error": message, "code": ..., "request_id": ...}` and hides the internals of anything else.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, `${what} not found`, 'not_found');
export const badRequest = (message: string, code = 'invalid_request') => new ApiError(400, message, code);
export const conflict = (message: string, code = 'conflict') => new ApiError(409, message, code);
/** Orgo's words for a desktop that is running but did not answer (X server, guest). */
export const unreachable = (detail: string) => new ApiError(503, 'Could not reach the desktop. Try again in a moment.', 'desktop_unreachable', { detail });
export const notRunning = () => new ApiError(400, 'Desktop instance not available', 'desktop_not_running');
/** The computer itself stopped under a request (its X server or guest died): that, and why. */
export const stoppedUnder = (reason: string | null | undefined) =>
  new ApiError(503, `The computer stopped while doing this: ${reason ?? 'it was stopped'}. Start it again (its disk is kept).`, 'computer_stopped');
