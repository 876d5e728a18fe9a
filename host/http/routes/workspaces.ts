import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceAnswer, workspaceDeletedAnswer, workspaceListAnswer } from '../../../shared/api/responses.js';
import { createWorkspaceBody } from '../../../shared/api/schemas.js';
import type { Workspace } from '../../../shared/api/types.js';
import type { HostServices } from '../services.js';
import { originOf } from '../request.js';
import { idParams } from '../validation.js';
import { conflict, notFound } from '../../errors.js';
import { accountRoute, requireWorkspace } from '../scope.js';
import { computerView } from '../views.js';

/**
 * Workspaces, served under both /workspaces and its deprecated alias /projects. Both answer the
 * same shapes: a workspace carries its computers as `desktops` (Orgo's Python SDK lists a
 * project's computers from there) and the list comes under both keys, since clients in the wild
 * read either. They differ on deleting a workspace that still has computers: /workspaces refuses
 * with 409 unless `?force=true` (a guard against accidents, which the app asks about first);
 * /projects deletes the computers with it, as Orgo's SDK documents its `delete_project`.
 */
const params = idParams('Workspace');
/** `?force=true` deletes a workspace with its computers; anything else is not forcing. */
const deleteQuery = z.object({ force: z.string().optional().meta({ description: '"true" deletes the computers with it' }) });

export function workspaceRoutes(app: FastifyInstance, s: HostServices, path: 'workspaces' | 'projects'): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const withDesktops = (req: FastifyRequest, ws: Workspace) => ({
    ...ws,
    desktops: s.computerStore.list(ws.id).map((row) => computerView(row, originOf(req))),
  });

  api.post(`/${path}`, { ...accountRoute, schema: { summary: 'Create a workspace', body: createWorkspaceBody, response: { 201: workspaceAnswer } } }, async (req, reply) => {
    const body = req.body;
    // Names are how people (and the SDK's get-or-create) find a workspace: two alike would make every lookup ambiguous.
    if (s.workspaces.byName(body.name)) throw conflict(`A workspace named "${body.name}" already exists`, 'workspace_exists');
    return reply.status(201).send(withDesktops(req, s.workspaces.create(body.name)));
  });

  api.get(`/${path}`, { schema: { summary: 'List workspaces', response: { 200: workspaceListAnswer } } }, async (req) => {
    const list = s.workspaces.list(req.apiKey.workspace_id).map((ws) => withDesktops(req, ws));
    return { workspaces: list, projects: list };
  });

  api.get(`/${path}/:id`, { schema: { summary: 'Get a workspace', params, response: { 200: workspaceAnswer } } }, async (req) => {
    requireWorkspace(req, req.params.id);
    const ws = s.workspaces.get(req.params.id);
    if (!ws) throw notFound('Workspace');
    return withDesktops(req, ws);
  });

  // Not in Orgo's API (its workspaces are renamed on the website); the app renames through it.
  // Another workspace's key is refused (403) before the body is validated.
  const inScope = { preValidation: async (req: FastifyRequest) => requireWorkspace(req, (req.params as { id: string }).id) };
  api.patch(`/${path}/:id`, { ...inScope, schema: { summary: 'Rename a workspace (not in Orgo\'s API)', params, body: createWorkspaceBody, response: { 200: workspaceAnswer } } }, async (req) => {
    const body = req.body;
    if (!s.workspaces.get(req.params.id)) throw notFound('Workspace');
    const other = s.workspaces.byName(body.name);
    if (other && other.id !== req.params.id) throw conflict(`A workspace named "${body.name}" already exists`, 'workspace_exists');
    return withDesktops(req, s.workspaces.rename(req.params.id, body.name)!);
  });

  api.delete(`/${path}/:id`, { schema: { summary: 'Delete a workspace', params, querystring: deleteQuery, response: { 200: workspaceDeletedAnswer } } }, async (req) => {
    requireWorkspace(req, req.params.id);
    const ws = s.workspaces.get(req.params.id);
    if (!ws) throw notFound('Workspace');
    const computers = s.computerStore.list(ws.id);
    const force = path === 'projects' || req.query.force === 'true';
    if (computers.length > 0 && !force) {
      throw conflict(`Workspace has ${computers.length} computer(s); delete them first or pass ?force=true`, 'workspace_not_empty');
    }
    for (const c of computers) await s.computers.remove(c.id);
    s.workspaces.delete(ws.id);
    return { success: true as const, id: ws.id, deleted_computers: computers.length };
  });
}
