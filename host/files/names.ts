/** File names as people give them, made safe for a folder, and numbered when one is taken. */
import { badRequest } from '../errors.js';

/** Most filesystems allow 255 bytes; leave room for " (9999)". */
const MAX_NAME_BYTES = 240;

/**
 * The last path component of what the client sent, without control characters. Browsers send
 * bare names, but some clients send `C:\\Users\\me\\report.pdf` or `../../x`.
 */
export function cleanName(raw: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const base = (raw ?? '').split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!base || base === '.' || base === '..') throw badRequest('The file needs a name (send it as the "file" field\'s filename)');
  if (Buffer.byteLength(base) <= MAX_NAME_BYTES) return base;
  const [stem, ext] = splitExtension(base);
  let cut = stem;
  while (Buffer.byteLength(cut + ext) > MAX_NAME_BYTES) cut = [...cut].slice(0, -1).join('');
  return cut + ext;
}

const DOUBLE_EXTENSIONS = /\.tar\.(gz|bz2|xz|zst|lz|lzma|z)$/i;

/** "report.pdf" → ["report", ".pdf"]; "a.tar.gz" → ["a", ".tar.gz"]; ".bashrc" → [".bashrc", ""]. */
export function splitExtension(name: string): [string, string] {
  const double = DOUBLE_EXTENSIONS.exec(name);
  if (double && double.index > 0) return [name.slice(0, double.index), name.slice(double.index)];
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

/** The n-th alternative to a taken name, as file managers number them: "report (1).pdf". */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name;
  const [stem, ext] = splitExtension(name);
  return `${stem} (${n})${ext}`;
}

const TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.html': 'text/html',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** The type the client declared, unless it declared nothing useful; then a guess from the name. */
export function contentTypeFor(name: string, declared?: string): string {
  const d = (declared ?? '').trim().toLowerCase();
  if (d && d !== 'application/octet-stream' && /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(d)) return d;
  const dot = name.lastIndexOf('.');
  return (dot > 0 && TYPES[name.slice(dot).toLowerCase()]) || 'application/octet-stream';
}
