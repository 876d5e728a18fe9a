/**
 * What went wrong with an upload, said truthfully: the client cut it off, the form itself was
 * malformed or over a limit (which one), the host's disk is full, or the host failed (500, logged).
 * A failure after the whole request had arrived is never "cut off".
 */
import type { FastifyRequest } from 'fastify';
import { hostDiskFull } from '../../files/service.js';
import { ApiError, badRequest } from '../../errors.js';

/** The form's limits (host/http/routes/files.ts passes them to @fastify/multipart). */
export const FORM_LIMITS = { files: 2, fields: 16, fieldSize: 4096, fieldNameSize: 100, parts: 20, headerPairs: 50 };

const isDiskFull = (e: unknown) => ['ENOSPC', 'EDQUOT', 'SQLITE_FULL'].includes((e as NodeJS.ErrnoException)?.code ?? '');

export function uploadError(e: unknown, req: FastifyRequest, tooLarge: () => ApiError): unknown {
  if (e instanceof ApiError) return e;
  const err = e as NodeJS.ErrnoException & { statusCode?: number };
  const cutOff = !req.raw.complete && (req.raw.destroyed || req.raw.aborted || err.code === 'FST_MP_PREMATURE_CLOSE');
  switch (err.code) {
    case 'FST_PARTS_LIMIT':
      return new ApiError(413, `The form has too many parts (${FORM_LIMITS.parts} at most: one file and a few fields)`, 'too_many_parts');
    case 'FST_FIELDS_LIMIT':
      return new ApiError(413, `The form has too many fields (${FORM_LIMITS.fields} at most)`, 'too_many_fields');
    case 'FST_FILES_LIMIT':
      return new ApiError(413, 'The form has too many files: send one file, in the field named "file"', 'too_many_files');
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge();
    case 'FST_PROTO_VIOLATION':
      return badRequest(`A form field has a name that is not allowed: ${err.message}`, 'bad_multipart');
  }
  if (isDiskFull(e)) return hostDiskFull();
  if (cutOff) return new ApiError(400, 'The upload was cut off before the file ended', 'upload_incomplete');
  const message = String(err.message ?? '');
  // busboy's own words for a malformed body: "Multipart: Boundary not found", "Malformed part header", ...
  if (/^Multipart:|Malformed|Unexpected end of (form|multipart data)|boundary/i.test(message)) {
    return badRequest(`The multipart/form-data body is malformed: ${message}`, 'bad_multipart');
  }
  return e;
}

/** A field busboy cut to its limit is refused, not silently used shortened. */
export function checkField(part: { fieldname: string; valueTruncated?: boolean; fieldnameTruncated?: boolean }): void {
  if (part.fieldnameTruncated) throw badRequest(`A form field's name is longer than ${FORM_LIMITS.fieldNameSize} bytes`, 'field_too_long');
  if (part.valueTruncated) throw badRequest(`The form field ${JSON.stringify(part.fieldname)} is longer than ${FORM_LIMITS.fieldSize} bytes`, 'field_too_long');
}
