import type { FastifyInstance } from 'fastify';
import { EVENT_CATALOG, EVENT_TYPES, type EventCatalog } from '../../../shared/api/channels.js';
import type { HostServices } from '../services.js';
import { reachable } from './computers.js';

type ById = { Params: { id: string } };

/** The events a computer's events websocket can deliver (the same for every computer here). */
export function eventRoutes(api: FastifyInstance, s: HostServices): void {
  api.get<ById>('/computers/:id/events', async (req): Promise<EventCatalog> => {
    reachable(s, req);
    return { event_types: [...EVENT_TYPES], catalog: EVENT_TYPES.map((type) => ({ type, description: EVENT_CATALOG[type] })) };
  });
}
