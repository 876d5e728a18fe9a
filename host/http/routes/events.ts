import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyInstance } from 'fastify';
import { EVENT_CATALOG, EVENT_TYPES } from '../../../shared/api/channels.js';
import { eventCatalogAnswer, type EventCatalog } from '../../../shared/api/responses.js';
import type { HostServices } from '../services.js';
import { computerRoute, onComputer } from './computers.js';

/** The events a computer's events websocket can deliver (the same for every computer here). */
export function eventRoutes(app: FastifyInstance, s: HostServices): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/computers/:id/events', { ...computerRoute(s), schema: onComputer('The events the events websocket delivers', { response: { 200: eventCatalogAnswer } }) }, async (): Promise<EventCatalog> => {
    return { event_types: [...EVENT_TYPES], catalog: EVENT_TYPES.map((type) => ({ type, description: EVENT_CATALOG[type] })) };
  });
}
