/**
 * What went wrong with an upload, said truthfully: the client cut it off, the form itself was
 * malformed or over a limit (which one), the host's disk is full, or the host failed (500, logged).
 * A failure after the whole request had arrived is never "cut off".
 */
import type { FastifyRequest } from 'fastify';
import { hostDiskFull } from '../../files/service.js';
import { ApiError } from '../../errors.js';

/** The form's limits (host/http/routes/files.ts passes them to host/files/multipart.ts, which words its refusals). */
export const FORM_LIMITS = { fields: 16, fieldSize: 4096, parts: 20, headerPairs: 50 };

const isDiskFull = (e: unknown) => ['ENOSPC', 'EDQUOT', 'SQLITE_FULL'].includes((e as NodeJS.ErrnoException)?.code ?? '');

export function uploadError(e: unknown, req: FastifyRequest): unknown {
  if (e instanceof ApiError) return e;
  const err = e as NodeJS.ErrnoException & { statusCode?: number };
  const cutOff = !req.raw.complete && (req.raw.destroyed || req.raw.aborted || err.code === 'UPLOAD_CUT_OFF');
  if (isDiskFull(e)) return hostDiskFull();
  if (cutOff) return new ApiError(400, 'The upload was cut off before the file ended', 'upload_incomplete');
  return e;
}
