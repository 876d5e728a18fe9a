import type { FastifyInstance } from 'fastify';
import { cloneBody, moveBody, resizeBody } from '../../../shared/api/manage.js';
import type { HostServices } from '../services.js';
import { originOf, parse } from '../request.js';
import { notFound } from '../../errors.js';
import { requireWorkspace } from '../scope.js';
import { computerView } from '../views.js';
import { reachable } from './computers.js';

type ById = { Params: { id: string } };

/** Resize, move and clone (services/manage.ts). */
export function manageRoutes(api: FastifyInstance, s: HostServices): void {
  api.patch<ById>('/computers/:id/resize', async (req, reply) => {
    const row = reachable(s, req);
    const body = parse(resizeBody, req.body);
    const { status, answer } = await s.manage.resize(row.id, body);
    return reply.status(status).send(status === 422 ? { error: 'None of the requested changes could be applied', code: 'resize_failed', request_id: req.id, ...answer } : answer);
  });

  api.patch<ById>('/computers/:id/move', async (req) => {
    const row = reachable(s, req);
    const { workspace_id } = parse(moveBody, req.body);
    // A scoped key must hold both sides: the computer's workspace (reachable) and the target.
    requireWorkspace(req, workspace_id);
    if (!s.workspaces.get(workspace_id)) throw notFound('Workspace');
    const moved = s.manage.move(row.id, workspace_id);
    return { success: true, id: moved.id, workspace_id: moved.workspace_id, project_id: moved.workspace_id };
  });

  api.post<ById>('/computers/:id/clone', async (req, reply) => {
    const row = reachable(s, req);
    const body = parse(cloneBody, req.body ?? {});
    if (body.workspace_id) {
      requireWorkspace(req, body.workspace_id);
      if (!s.workspaces.get(body.workspace_id)) throw notFound('Workspace');
    }
    const clone = await s.manage.clone(row.id, body);
    return reply.status(201).send(computerView(clone, originOf(req)));
  });
}
