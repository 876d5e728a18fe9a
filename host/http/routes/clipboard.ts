import type { FastifyInstance } from 'fastify';
import { clipboardBody } from '../../../shared/api/schemas.js';
import type { Clipboard } from '../../../shared/api/types.js';
import type { HostServices } from '../services.js';
import { parse } from '../request.js';
import { ApiError } from '../../errors.js';
import { reachable } from './computers.js';

type ById = { Params: { id: string } };

/**
 * The desktop's clipboard (X CLIPBOARD selection), UTF-8 both ways. VNC viewers share the same
 * clipboard through Xvnc, so text set here pastes in noVNC and in desktop applications alike.
 */
export function clipboardRoutes(api: FastifyInstance, s: HostServices): void {
  api.get<ById>('/computers/:id/clipboard', async (req): Promise<Clipboard> => {
    const row = reachable(s, req);
    const a = await s.computers.guest(row.id, 'clipboard_get', {}, 10_000);
    if (!a.ok) throw new ApiError(503, `Could not read the clipboard: ${a.error}`, 'clipboard_unavailable');
    return { text: String(a.text ?? '') };
  });

  api.post<ById>('/computers/:id/clipboard', async (req) => {
    const row = reachable(s, req);
    const body = parse(clipboardBody, req.body);
    const a = await s.computers.guest(row.id, 'clipboard_set', { text: body.text }, 15_000);
    if (!a.ok) throw new ApiError(503, `Could not set the clipboard: ${a.error}`, 'clipboard_unavailable');
    return { success: true };
  });
}
