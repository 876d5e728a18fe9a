import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { streamConnectionBody, streamStartBody } from '../../../shared/api/manage.js';
import { doneAnswer, streamConnectionAnswer, streamConnectionListAnswer, streamStartAnswer, streamStatusAnswer } from '../../../shared/api/responses.js';
import type { HostServices } from '../services.js';
import { optionalBody } from '../validation.js';
import { badRequest } from '../../errors.js';
import { accountRoute } from '../scope.js';
import { computerRoute, onComputer } from './computers.js';

const nameParams = z.object({ name: z.string().min(1).max(200) });
const nameQuery = z.object({ name: z.string().optional().meta({ description: 'the connection to delete' }) });
const nameBody = z.object({ name: z.unknown().optional() });

/** RTMP streaming (services/stream.ts): the account's connections, and a stream per computer. */
export function streamRoutes(app: FastifyInstance, s: HostServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const route = computerRoute(s);
  // Listed to any key (the keys are masked): a workspace's scripts name the connection to use.
  api.get('/streaming/connections', { schema: { summary: 'List streaming connections', response: { 200: streamConnectionListAnswer } } }, async () => ({ connections: s.streams.connections() }));

  api.post('/streaming/connections', { ...accountRoute, schema: { summary: 'Add a streaming connection', body: streamConnectionBody, response: { 201: streamConnectionAnswer } } }, async (req, reply) =>
    reply.status(201).send(s.streams.addConnection(req.body)),
  );

  api.delete('/streaming/connections/:name', { ...accountRoute, schema: { summary: 'Delete a streaming connection', params: nameParams, response: { 200: doneAnswer } } }, async (req) => {
    s.streams.removeConnection(req.params.name);
    return { success: true as const };
  });

  // The same, with the name as `?name=` or in the body.
  api.delete('/streaming/connections', { ...accountRoute, schema: { summary: 'Delete a streaming connection by ?name=', querystring: nameQuery, body: optionalBody(nameBody), response: { 200: doneAnswer } } }, async (req) => {
    const name = req.query.name ?? (req.body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || !name) throw badRequest('name is required: DELETE /api/streaming/connections/{name}');
    s.streams.removeConnection(name);
    return { success: true as const };
  });

  api.post('/computers/:id/stream/start', { ...route, schema: onComputer('Start streaming the computer over RTMP', { body: streamStartBody, response: { 200: streamStartAnswer } }) }, async (req) =>
    s.streams.start(req.computer.id, req.body.connection_name),
  );

  api.get('/computers/:id/stream/status', { ...route, schema: onComputer('The computer\'s stream status', { response: { 200: streamStatusAnswer } }) }, async (req) => s.streams.status(req.computer.id));

  api.post('/computers/:id/stream/stop', { ...route, schema: onComputer('Stop streaming the computer', { response: { 200: doneAnswer } }) }, async (req) => s.streams.stop(req.computer.id));
}
