import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyInstance } from 'fastify';
import { cloneBody, moveBody, resizeBody } from '../../../shared/api/manage.js';
import { computerAnswer, errorAnswer, movedAnswer, resizeAnswer } from '../../../shared/api/responses.js';
import type { HostServices } from '../services.js';
import { originOf } from '../request.js';
import { optionalBody } from '../validation.js';
import { notFound } from '../../errors.js';
import { requireWorkspace } from '../scope.js';
import { computerView } from '../views.js';
import { computerRoute, onComputer } from './computers.js';

/** Resize, move and clone (services/manage.ts). */
export function manageRoutes(app: FastifyInstance, s: HostServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const route = computerRoute(s);
  api.patch('/computers/:id/resize', { ...route, schema: onComputer('Resize a computer (cpu, ram, disk)', { body: resizeBody, response: { 200: resizeAnswer, 207: resizeAnswer, 422: errorAnswer.extend(resizeAnswer.shape) } }) }, async (req, reply) => {
    const row = req.computer;
    const body = req.body;
    const { status, answer } = await s.manage.resize(row.id, body);
    return reply.status(status).send(status === 422 ? { error: 'None of the requested changes could be applied', code: 'resize_failed', request_id: req.id, ...answer } : answer);
  });

  api.patch('/computers/:id/move', { ...route, schema: onComputer('Move a computer to another workspace', { body: moveBody, response: { 200: movedAnswer } }) }, async (req) => {
    const row = req.computer;
    const { workspace_id } = req.body;
    // A scoped key must hold both sides: the computer's workspace (reachable) and the target.
    requireWorkspace(req, workspace_id);
    if (!s.workspaces.get(workspace_id)) throw notFound('Workspace');
    const moved = s.manage.move(row.id, workspace_id);
    return { success: true as const, id: moved.id, workspace_id: moved.workspace_id, project_id: moved.workspace_id };
  });

  api.post('/computers/:id/clone', { ...route, schema: onComputer('Clone a computer', { body: optionalBody(cloneBody), response: { 201: computerAnswer } }) }, async (req, reply) => {
    const row = req.computer;
    const body = req.body;
    if (body.workspace_id) {
      requireWorkspace(req, body.workspace_id);
      if (!s.workspaces.get(body.workspace_id)) throw notFound('Workspace');
    }
    const clone = await s.manage.clone(row.id, body);
    return reply.status(201).send(computerView(clone, originOf(req)));
  });
}
