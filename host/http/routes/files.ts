/**
 * Workspace files: `POST /api/files/upload` (multipart, streamed), `GET /api/files`,
 * `GET /api/files/download?id=`, `POST /api/files/export`, `DELETE /api/files/delete?id=`,
 * and the signed links they hand out (`GET /downloads/...`, no API key: see downloads.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { exportFileBody, fileIdQuery, fileListQuery, uploadForm } from '../../../shared/api/schemas.js';
import { deletedAnswer, fileAnswer, fileListAnswer, fileWithLinkAnswer } from '../../../shared/api/responses.js';
import type { OrgoFile } from '../../../shared/api/types.js';
import { readForm } from '../../files/multipart.js';
import { cleanName } from '../../files/names.js';
import { SocketBody } from '../../files/socket-body.js';
import type { Incoming } from '../../files/service.js';
import type { ComputerRow } from '../../store/computers.js';
import type { FileRow } from '../../store/files.js';
import type { HostServices } from '../services.js';
import { originOf } from '../request.js';
import { ApiError, badRequest, notFound } from '../../errors.js';
import { requireWorkspace } from '../scope.js';
import { downloadRoutes } from './downloads.js';
import { FORM_LIMITS, uploadError } from './upload-errors.js';

/** Room for the multipart framing and the form's small fields around the file itself. */
const FORM_OVERHEAD = 64 * 1024;
/** After refusing an upload, how long its sender may go on sending before the connection is cut. */
const DRAIN_LIMIT_MS = 30_000;

type Fields = Record<string, string | undefined>;

export function fileView(row: FileRow): OrgoFile {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    content_type: row.content_type,
    workspace_id: row.workspace_id,
    desktop_id: row.desktop_id,
    created_at: row.created_at,
    source: row.source,
    desktop_path: row.desktop_path,
  };
}

const megabytes = (bytes: number) => `${+(bytes / 1024 / 1024).toFixed(2)} MB`;

export const tooLarge = (max: number) =>
  new ApiError(413, `The file is larger than this host's upload limit of ${megabytes(max)} (${max} bytes; the host's --max-upload-mb)`, 'file_too_large', {
    limit_bytes: max,
  });

/** Registers the files API under /api and the signed download links at the root. */
export function fileRoutes(app: FastifyInstance, s: HostServices): void {
  app.register(
    async (api) => {
      // A form's body is left unread here: the upload route streams it (host/files/multipart.ts).
      api.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null));
      apiRoutes(api, s);
    },
    { prefix: '/api' },
  );
  downloadRoutes(app, s);
}

function apiRoutes(app: FastifyInstance, s: HostServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // The form is read part by part as it streams in: documented, not validated as a whole.
  api.post<{ Querystring: Fields }>('/files/upload', { config: { multipartForm: uploadForm }, schema: { summary: 'Upload a file (multipart, field "file")', querystring: fileListQuery, response: { 201: fileAnswer } } }, async (req, reply) => {
    const max = s.files.maxUploadBytes;
    // Refuse what is plainly too large before reading a byte of it.
    if (Number(req.headers['content-length']) > max + FORM_OVERHEAD) throw tooLarge(max);
    if (!/^multipart\/form-data(\s*;|$)/i.test(req.headers['content-type'] ?? '')) {
      throw new ApiError(415, 'Send the file as multipart/form-data, in a field named "file"', 'unsupported_media_type');
    }
    const fields: Fields = { ...req.query };
    let incoming: Incoming | undefined;
    let name = '';
    let contentType: string | undefined;
    let target: Target | undefined;
    // The body straight off the socket where that is safe (socket-body.ts); the connection then
    // closes after the answer, since Node's parser never saw the body end.
    const direct = SocketBody.take(req.raw);
    if (direct) reply.raw.shouldKeepAlive = false;
    try {
      // One file of at most the limit (a second is answered in words), a few small fields.
      await readForm(direct ?? req.raw, req.headers['content-type'], FORM_LIMITS, {
        maxFileBytes: max,
        tooLarge: () => tooLarge(max),
        field: (fieldname, value) => {
          fields[fieldname] = value;
        },
        file: (part) => {
          if (part.fieldname !== 'file' || incoming) throw badRequest('Send one file, in the field named "file"');
          name = cleanName(part.filename);
          contentType = part.mimetype;
          // Fields sent before the file are checked before any of it is stored, and a desktop
          // named there gets the bytes as they arrive.
          if (namesTarget(fields)) target = resolveTarget(s, req, fields);
          const next = s.files.incoming(target?.computer);
          incoming = next;
          return next.sink;
        },
      });
      if (!incoming) throw badRequest('No file: send it as the "file" field of a multipart/form-data body');
      target ??= resolveTarget(s, req, fields);
      const row = await s.files.addUpload(s.files.received(incoming), { ...target, name, contentType });
      return reply.status(201).send(fileView(row));
    } catch (e) {
      s.files.discard(incoming);
      if (direct) direct.discardRest(DRAIN_LIMIT_MS);
      else drainRest(req);
      throw uploadError(e, req);
    }
  });

  api.get('/files', { schema: { summary: "List a workspace's files", querystring: fileListQuery, response: { 200: fileListAnswer } } }, async (req) => {
    const q = req.query;
    const workspaceId = workspaceField(q) ?? req.apiKey.workspace_id ?? undefined;
    const desktopId = desktopField(q);
    if (workspaceId) {
      requireWorkspace(req, workspaceId);
      if (!s.workspaces.get(workspaceId)) throw notFound('Workspace');
    }
    // A deleted computer's files stay listed under its id; a living one must be in reach.
    const computer = desktopId ? s.computerStore.get(desktopId) : undefined;
    if (computer) requireWorkspace(req, computer.workspace_id);
    return { files: s.files.list({ workspaceId, desktopId }).map(fileView), max_upload_bytes: s.files.maxUploadBytes };
  });

  api.get('/files/download', { schema: { summary: 'A signed download link for a file', querystring: fileIdQuery, response: { 200: fileWithLinkAnswer } } }, async (req) => {
    const row = reachableFile(s, req, req.query.id);
    return { ...fileView(row), ...s.files.link(row, originOf(req)) };
  });

  api.post('/files/export', { schema: { summary: "Copy a file out of a computer's /home/user", body: exportFileBody, response: { 201: fileWithLinkAnswer } } }, async (req, reply) => {
    const body = req.body;
    const computer = s.computerStore.get(body.desktopId);
    if (!computer) throw notFound('Computer');
    requireWorkspace(req, computer.workspace_id);
    const row = await s.files.exportFrom(computer, body.path);
    return reply.status(201).send({ ...fileView(row), ...s.files.link(row, originOf(req)) });
  });

  api.delete('/files/delete', { schema: { summary: "Delete a workspace's file", querystring: fileIdQuery, response: { 200: deletedAnswer } } }, async (req) => {
    const row = reachableFile(s, req, req.query.id);
    s.files.remove(row);
    return { success: true as const, id: row.id };
  });
}

interface Target {
  workspaceId: string;
  computer?: ComputerRow;
}

const workspaceField = (f: Fields) => f.workspaceId ?? f.workspace_id ?? f.projectId ?? f.project_id;
const desktopField = (f: Fields) => f.desktopId ?? f.desktop_id ?? f.computerId ?? f.computer_id;
const namesTarget = (f: Fields) => workspaceField(f) !== undefined || desktopField(f) !== undefined;

/** Where an upload goes: a workspace, and maybe one of its computers' desktops. */
function resolveTarget(s: HostServices, req: FastifyRequest, f: Fields): Target {
  const ws = workspaceField(f) || undefined;
  const desk = desktopField(f) || undefined;
  let computer: ComputerRow | undefined;
  if (desk) {
    computer = s.computerStore.get(desk);
    if (!computer) throw notFound('Computer');
    requireWorkspace(req, computer.workspace_id);
    if (ws && ws !== computer.workspace_id) throw badRequest('desktopId is a computer of another workspace than workspaceId');
  }
  const workspaceId = ws ?? computer?.workspace_id ?? req.apiKey.workspace_id;
  if (!workspaceId) throw badRequest('workspaceId is required (or desktopId, whose workspace is then used)');
  requireWorkspace(req, workspaceId);
  if (!s.workspaces.get(workspaceId)) throw notFound('Workspace');
  return { workspaceId, computer };
}

function reachableFile(s: HostServices, req: FastifyRequest, id: string | undefined): FileRow {
  if (!id) throw badRequest('id is required');
  const row = s.files.get(id);
  if (!row) throw notFound('File');
  requireWorkspace(req, row.workspace_id);
  return row;
}

/**
 * After refusing an upload mid-body, read and drop the rest so the sender sees the answer and
 * the connection stays usable; a sender that goes on for too long is cut off.
 */
function drainRest(req: FastifyRequest): void {
  const raw = req.raw;
  if (raw.readableEnded || raw.destroyed) return;
  raw.unpipe();
  raw.resume();
  const timer = setTimeout(() => raw.socket?.destroy(), DRAIN_LIMIT_MS);
  timer.unref();
  raw.once('end', () => clearTimeout(timer));
  raw.once('close', () => clearTimeout(timer));
}
