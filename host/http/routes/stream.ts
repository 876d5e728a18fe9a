import type { FastifyInstance } from 'fastify';
import { streamConnectionBody, streamStartBody } from '../../../shared/api/manage.js';
import type { HostServices } from '../services.js';
import { parse } from '../request.js';
import { badRequest } from '../../errors.js';
import { requireAccountKey } from '../scope.js';
import { reachable } from './computers.js';

type ById = { Params: { id: string } };

/** RTMP streaming (services/stream.ts): the account's connections, and a stream per computer. */
export function streamRoutes(api: FastifyInstance, s: HostServices): void {
  // Listed to any key (the keys are masked): a workspace's scripts name the connection to use.
  api.get('/streaming/connections', async () => ({ connections: s.streams.connections() }));

  api.post('/streaming/connections', async (req, reply) => {
    requireAccountKey(req);
    return reply.status(201).send(s.streams.addConnection(parse(streamConnectionBody, req.body)));
  });

  api.delete<{ Params: { name: string } }>('/streaming/connections/:name', async (req) => {
    requireAccountKey(req);
    s.streams.removeConnection(req.params.name);
    return { success: true };
  });

  // The same, with the name as `?name=` or in the body.
  api.delete<{ Querystring: { name?: string }; Body: { name?: unknown } | undefined }>('/streaming/connections', async (req) => {
    requireAccountKey(req);
    const name = req.query.name ?? req.body?.name;
    if (typeof name !== 'string' || !name) throw badRequest('name is required: DELETE /api/streaming/connections/{name}');
    s.streams.removeConnection(name);
    return { success: true };
  });

  api.post<ById>('/computers/:id/stream/start', async (req) => {
    const row = reachable(s, req);
    const { connection_name } = parse(streamStartBody, req.body);
    return s.streams.start(row.id, connection_name);
  });

  api.get<ById>('/computers/:id/stream/status', async (req) => s.streams.status(reachable(s, req).id));

  api.post<ById>('/computers/:id/stream/stop', async (req) => s.streams.stop(reachable(s, req).id));
}
