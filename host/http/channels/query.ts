/** A channel's query string, checked by its schema (shared/api/channels.ts), as the terminal and audio channels read theirs. */
import type { WebSocket } from 'ws';
import type { ZodType } from 'zod';
import { CLOSE } from '../../../shared/api/channels.js';
import { firstIssue } from '../../../shared/api/schemas.js';

/** The query's values, or undefined once a query that does not fit is told why and the socket closed. */
export function channelQuery<T>(ws: WebSocket, url: URL, schema: ZodType<T>): T | undefined {
  const q = schema.safeParse(Object.fromEntries(url.searchParams));
  if (q.success) return q.data;
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'error', message: firstIssue(q.error) }));
  ws.close(CLOSE.badRequest, 'bad query');
  return undefined;
}
