import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { autoStopAnswer, computerAnswer, computerListAnswer, deletedAnswer, vncPasswordAnswer } from '../../../shared/api/responses.js';
import { autoStopBody, createComputerBody } from '../../../shared/api/schemas.js';
import type { ComputerRow } from '../../store/computers.js';
import type { HostServices } from '../services.js';
import { originOf } from '../request.js';
import { notFound } from '../../errors.js';
import { requireWorkspace } from '../scope.js';
import { idOf, idParams } from '../validation.js';
import { computerView } from '../views.js';

/** Loads a computer the request's key may reach, or answers 404/403. */
export function reachable(s: HostServices, req: FastifyRequest): ComputerRow {
  const row = s.computerStore.get(idOf('Computer', (req.params as { id: string }).id));
  if (!row) throw notFound('Computer');
  requireWorkspace(req, row.workspace_id);
  return row;
}

export const computerParams = idParams('Computer');

/**
 * Options of every `/computers/:id/...` route: the id is checked and the computer found (404, or
 * 403 for another workspace's key) before its body is validated, and handed on as `req.computer`.
 */
export const computerRoute = (s: HostServices) => ({
  preValidation: async (req: FastifyRequest) => {
    req.computer = reachable(s, req);
  },
});

/** A route's schema: its summary, the computer's id, and the rest. */
export const onComputer = <T extends object>(summary: string, rest?: T) => ({ summary, params: computerParams, ...rest }) as { summary: string; params: typeof computerParams } & T;

const listQuery = z.object({
  workspace_id: z.string().optional(),
  project_id: z.string().optional().meta({ deprecated: true }),
  workspaceId: z.string().optional().meta({ deprecated: true }),
});

export function computerRoutes(app: FastifyInstance, s: HostServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const view = (req: FastifyRequest, row: ComputerRow) => computerView(row, originOf(req));
  const route = computerRoute(s);

  api.post('/computers', { schema: { summary: 'Create a computer', body: createComputerBody, response: { 201: computerAnswer } } }, async (req, reply) => {
    const spec = req.body;
    requireWorkspace(req, spec.workspace_id);
    if (!s.workspaces.get(spec.workspace_id)) throw notFound('Workspace');
    const row = await s.computers.create(spec);
    return reply.status(201).send(view(req, row));
  });

  api.get('/computers', { schema: { summary: "List computers (a workspace's with workspace_id)", querystring: listQuery, response: { 200: computerListAnswer } } }, async (req) => {
    const q = req.query;
    const workspaceId = q.workspace_id ?? q.workspaceId ?? q.project_id ?? req.apiKey.workspace_id ?? undefined;
    if (workspaceId) {
      requireWorkspace(req, workspaceId);
      if (!s.workspaces.get(workspaceId)) throw notFound('Workspace');
    }
    return { computers: s.computerStore.list(workspaceId).map((r) => view(req, r)) };
  });

  api.get('/computers/:id', { ...route, schema: onComputer('Get a computer', { response: { 200: computerAnswer } }) }, async (req) => view(req, req.computer));

  api.delete('/computers/:id', { ...route, schema: onComputer('Delete a computer and its disk', { response: { 200: deletedAnswer } }) }, async (req) => {
    const row = req.computer;
    await s.computers.remove(row.id);
    return { success: true as const, id: row.id };
  });

  api.get('/computers/:id/vnc-password', { ...route, schema: onComputer("The computer's VNC password", { response: { 200: vncPasswordAnswer } }) }, async (req) => ({ password: req.computer.vnc_password }));

  const lifecycle = { start: 'Start a computer', stop: 'Stop a computer (its disk stays)', restart: 'Restart a computer' } as const;
  for (const action of ['start', 'stop', 'restart'] as const) {
    api.post(`/computers/:id/${action}`, { ...route, schema: onComputer(lifecycle[action], { response: { 200: computerAnswer } }) }, async (req) => view(req, await s.computers[action](req.computer.id)));
  }

  api.get('/computers/:id/auto-stop', { ...route, schema: onComputer('Auto-stop setting', { response: { 200: autoStopAnswer } }) }, async (req) => ({ auto_stop_minutes: req.computer.auto_stop_minutes, configurable: true }));

  api.patch('/computers/:id/auto-stop', { ...route, schema: onComputer('Change auto-stop', { body: autoStopBody, response: { 200: autoStopAnswer } }) }, async (req) => {
    const updated = s.computers.setAutoStop(req.computer.id, req.body.auto_stop_minutes);
    return { auto_stop_minutes: updated.auto_stop_minutes, configurable: true };
  });
}
