import type { FastifyInstance } from 'fastify';
import { createKeyBody } from '../../../shared/api/schemas.js';
import type { CreatedApiKey } from '../../../shared/api/types.js';
import { hashKey, keyPrefix, newApiKey } from '../../auth/keys.js';
import { keyView } from '../../store/keys.js';
import type { HostServices } from '../services.js';
import { parse } from '../request.js';
import { badRequest, notFound } from '../../errors.js';
import { requireAccountKey } from '../scope.js';

export function keyRoutes(api: FastifyInstance, s: HostServices): void {
  api.post('/keys', async (req, reply) => {
    requireAccountKey(req);
    const body = parse(createKeyBody, req.body);
    const workspaceId = body.workspace_id ?? null;
    if (workspaceId && !s.workspaces.get(workspaceId)) throw notFound('Workspace');
    const key = newApiKey();
    const row = s.keys.insert(body.name, hashKey(key), keyPrefix(key), workspaceId);
    const created: CreatedApiKey = { ...keyView(row), key };
    return reply.status(201).send(created);
  });

  api.get('/keys', async (req) => {
    requireAccountKey(req);
    return { keys: s.keys.all().map(keyView) };
  });

  api.delete<{ Params: { id: string } }>('/keys/:id', async (req) => {
    requireAccountKey(req);
    const row = s.keys.get(req.params.id);
    if (!row) throw notFound('API key');
    if (row.id === req.apiKey.id) throw badRequest('A key cannot delete itself; use another account-wide key', 'cannot_delete_own_key');
    s.keys.delete(row.id);
    return { success: true, id: row.id };
  });
}
