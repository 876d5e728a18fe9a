import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createdApiKeyAnswer, deletedAnswer, keyListAnswer } from '../../../shared/api/responses.js';
import { createKeyBody } from '../../../shared/api/schemas.js';
import type { CreatedApiKey } from '../../../shared/api/types.js';
import { hashKey, keyPrefix, newApiKey } from '../../auth/keys.js';
import { keyView } from '../../store/keys.js';
import type { HostServices } from '../services.js';
import { badRequest, notFound } from '../../errors.js';
import { accountRoute } from '../scope.js';
import { idParams } from '../validation.js';

export function keyRoutes(app: FastifyInstance, s: HostServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/keys', { ...accountRoute, schema: { summary: 'Create an API key', body: createKeyBody, response: { 201: createdApiKeyAnswer } } }, async (req, reply) => {
    const body = req.body;
    const workspaceId = body.workspace_id ?? null;
    if (workspaceId && !s.workspaces.get(workspaceId)) throw notFound('Workspace');
    const key = newApiKey();
    const row = s.keys.insert(body.name, hashKey(key), keyPrefix(key), workspaceId);
    const created: CreatedApiKey = { ...keyView(row), key };
    return reply.status(201).send(created);
  });

  api.get('/keys', { ...accountRoute, schema: { summary: 'List API keys', response: { 200: keyListAnswer } } }, async () => {
    return { keys: s.keys.all().map(keyView) };
  });

  api.delete('/keys/:id', { ...accountRoute, schema: { summary: 'Delete an API key', params: idParams('API key'), response: { 200: deletedAnswer } } }, async (req) => {
    const row = s.keys.get(req.params.id);
    if (!row) throw notFound('API key');
    if (row.id === req.apiKey.id) throw badRequest('A key cannot delete itself; use another account-wide key', 'cannot_delete_own_key');
    s.keys.delete(row.id);
    return { success: true as const, id: row.id };
  });
}
