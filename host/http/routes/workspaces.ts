import type { FastifyInstance } from 'fastify';
import { createWorkspaceBody } from '../../../shared/api/schemas.js';
import type { HostServices } from '../services.js';
import { parse } from '../request.js';
import { conflict, notFound } from '../../errors.js';
import { requireAccountKey, requireWorkspace } from '../scope.js';

/** Workspaces, served under both /workspaces and its deprecated alias /projects. */
export function workspaceRoutes(api: FastifyInstance, s: HostServices, path: 'workspaces' | 'projects'): void {
  api.post(`/${path}`, async (req, reply) => {
    requireAccountKey(req);
    const body = parse(createWorkspaceBody, req.body);
    return reply.status(201).send(s.workspaces.create(body.name));
  });

  api.get(`/${path}`, async (req) => ({ [path]: s.workspaces.list(req.apiKey.workspace_id) }));

  api.get<{ Params: { id: string } }>(`/${path}/:id`, async (req) => {
    requireWorkspace(req, req.params.id);
    const ws = s.workspaces.get(req.params.id);
    if (!ws) throw notFound('Workspace');
    return ws;
  });

  api.delete<{ Params: { id: string }; Querystring: { force?: string } }>(`/${path}/:id`, async (req) => {
    requireWorkspace(req, req.params.id);
    const ws = s.workspaces.get(req.params.id);
    if (!ws) throw notFound('Workspace');
    const computers = s.computerStore.list(ws.id);
    if (computers.length > 0 && req.query.force !== 'true') {
      throw conflict(`Workspace has ${computers.length} computer(s); delete them first or pass ?force=true`, 'workspace_not_empty');
    }
    for (const c of computers) await s.computers.remove(c.id);
    s.workspaces.delete(ws.id);
    return { success: true, id: ws.id };
  });
}
