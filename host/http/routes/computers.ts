import type { FastifyInstance, FastifyRequest } from 'fastify';
import { autoStopBody, createComputerBody } from '../../../shared/api/schemas.js';
import type { ComputerRow } from '../../store/computers.js';
import type { HostServices } from '../services.js';
import { originOf, parse } from '../request.js';
import { notFound } from '../../errors.js';
import { requireWorkspace } from '../scope.js';
import { computerView } from '../views.js';

type ById = { Params: { id: string } };

/** Loads a computer the request's key may reach, or answers 404/403. */
export function reachable(s: HostServices, req: FastifyRequest<ById>): ComputerRow {
  const row = s.computerStore.get(req.params.id);
  if (!row) throw notFound('Computer');
  requireWorkspace(req, row.workspace_id);
  return row;
}

export function computerRoutes(api: FastifyInstance, s: HostServices): void {
  const view = (req: FastifyRequest, row: ComputerRow) => computerView(row, originOf(req));

  api.post('/computers', async (req, reply) => {
    const spec = parse(createComputerBody, req.body);
    requireWorkspace(req, spec.workspace_id);
    if (!s.workspaces.get(spec.workspace_id)) throw notFound('Workspace');
    const row = await s.computers.create(spec);
    return reply.status(201).send(view(req, row));
  });

  api.get<{ Querystring: { workspace_id?: string; project_id?: string; workspaceId?: string } }>('/computers', async (req) => {
    const q = req.query;
    const workspaceId = q.workspace_id ?? q.workspaceId ?? q.project_id ?? req.apiKey.workspace_id ?? undefined;
    if (workspaceId) {
      requireWorkspace(req, workspaceId);
      if (!s.workspaces.get(workspaceId)) throw notFound('Workspace');
    }
    return { computers: s.computerStore.list(workspaceId).map((r) => view(req, r)) };
  });

  api.get<ById>('/computers/:id', async (req) => view(req, reachable(s, req)));

  api.delete<ById>('/computers/:id', async (req) => {
    const row = reachable(s, req);
    await s.computers.remove(row.id);
    return { success: true, id: row.id };
  });

  api.get<ById>('/computers/:id/vnc-password', async (req) => ({ password: reachable(s, req).vnc_password }));

  for (const action of ['start', 'stop', 'restart'] as const) {
    api.post<ById>(`/computers/:id/${action}`, async (req) => {
      const row = reachable(s, req);
      return view(req, await s.computers[action](row.id));
    });
  }

  api.get<ById>('/computers/:id/auto-stop', async (req) => {
    const row = reachable(s, req);
    return { auto_stop_minutes: row.auto_stop_minutes, configurable: true };
  });

  api.patch<ById>('/computers/:id/auto-stop', async (req) => {
    const row = reachable(s, req);
    const body = parse(autoStopBody, req.body);
    const updated = s.computers.setAutoStop(row.id, body.auto_stop_minutes);
    return { auto_stop_minutes: updated.auto_stop_minutes, configurable: true };
  });
}
