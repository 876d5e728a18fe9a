import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyInstance } from 'fastify';
import { clipboardAnswer, doneAnswer } from '../../../shared/api/responses.js';
import { clipboardBody } from '../../../shared/api/schemas.js';
import type { Clipboard } from '../../../shared/api/types.js';
import type { HostServices } from '../services.js';
import { ApiError } from '../../errors.js';
import { computerRoute, onComputer } from './computers.js';

/**
 * The desktop's clipboard (X CLIPBOARD selection), UTF-8 both ways. VNC viewers share the same
 * clipboard through Xvnc, so text set here pastes in noVNC and in desktop applications alike.
 */
export function clipboardRoutes(app: FastifyInstance, s: HostServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const route = computerRoute(s);
  api.get('/computers/:id/clipboard', { ...route, schema: onComputer("The desktop's clipboard text", { response: { 200: clipboardAnswer } }) }, async (req): Promise<Clipboard> => {
    const row = req.computer;
    const a = await s.computers.guest(row.id, 'clipboard_get', {}, 10_000);
    if (!a.ok) throw new ApiError(503, `Could not read the clipboard: ${a.error}`, 'clipboard_unavailable');
    return { text: String(a.text ?? '') };
  });

  api.post('/computers/:id/clipboard', { ...route, schema: onComputer("Set the desktop's clipboard text", { body: clipboardBody, response: { 200: doneAnswer } }) }, async (req) => {
    const row = req.computer;
    const body = req.body;
    const a = await s.computers.guest(row.id, 'clipboard_set', { text: body.text }, 15_000);
    if (!a.ok) throw new ApiError(503, `Could not set the clipboard: ${a.error}`, 'clipboard_unavailable');
    return { success: true as const };
  });
}
