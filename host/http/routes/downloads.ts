/**
 * `GET /downloads/<id>/<name>?expires=&sig=`: a file's bytes through a signed link, without the
 * API key (the link is the permission), with single-range requests for resumed and seekable
 * downloads. The bytes are served as an attachment in a sandbox, never as a page of this origin.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HostServices } from '../services.js';
import { ApiError, notFound } from '../../errors.js';
import { sendFileRange } from '../send-file.js';

type Link = { Params: { id: string; name: string }; Querystring: { expires?: string; sig?: string } };

export function downloadRoutes(app: FastifyInstance, s: HostServices): void {
  // HEAD is served here too: Fastify's automatic HEAD would read the whole file to discard it.
  app.route<Link>({ method: ['GET', 'HEAD'], url: '/downloads/:id/:name', handler: (req, reply) => serve(s, req, reply) });
}

async function serve(s: HostServices, req: FastifyRequest<Link>, reply: FastifyReply) {
  const { id } = req.params;
  const check = s.files.links.check(id, req.query.expires, req.query.sig);
  if (check === 'expired') throw new ApiError(403, 'This download link has expired; ask for a new one (GET /api/files/download?id=...)', 'link_expired');
  if (check !== 'ok') throw new ApiError(403, 'This download link is not valid', 'link_invalid');
  const row = s.files.get(id);
  if (!row) throw notFound('File');
  let fd: number;
  try {
    fd = openSync(s.files.bytesOf(row), 'r');
  } catch {
    throw notFound('File'); // deleted a moment ago
  }
  const size = fstatSync(fd).size;
  const release = () => closeSync(fd);
  const etag = `"${row.id}"`;
  const ifRange = req.headers['if-range'];
  const range = req.headers.range && (!ifRange || ifRange === etag) ? parseRange(req.headers.range, size) : null;
  if (range === 'unsatisfiable') {
    release();
    reply.header('content-range', `bytes */${size}`);
    throw new ApiError(416, `Range not satisfiable: the file has ${size} bytes`, 'range_not_satisfiable');
  }
  reply.headers({
    'content-type': row.content_type,
    'content-disposition': attachment(row.name),
    'accept-ranges': 'bytes',
    etag,
    'last-modified': new Date(row.created_at).toUTCString(),
    'cache-control': 'private, no-transform',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'",
  });
  if (range) reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  reply.header('content-length', end - start + 1);
  if (req.method === 'HEAD' || end < start) {
    release();
    return reply.send('');
  }
  // From the file opened above: a delete from now on does not cut the download short.
  reply.hijack();
  reply.raw.writeHead(reply.statusCode, { ...reply.getHeaders(), 'x-request-id': req.id } as OutgoingHttpHeaders);
  await sendFileRange(fd, start, end, reply.raw);
}

/**
 * One `bytes=` range (`a-b`, `a-`, `-n`). Several ranges at once are answered with the whole
 * file, which RFC 9110 allows; a syntactically odd header is ignored the same way.
 */
export function parseRange(header: string, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return null;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
