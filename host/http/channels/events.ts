/**
 * The events channel (/ws/events?token=): silent until the client subscribes; then each event
 * of the subscribed types as `{"type", "timestamp", "data"}`. `subscribe` replaces the set (and
 * may carry `idle_threshold_seconds`), `unsubscribe` removes types (all without a list), `ping`
 * answers `pong`. Every subscribe/unsubscribe is answered with `subscribed`, sent once the
 * computer's sources are armed, so what happens after it is reported.
 */
import {
  DEFAULT_IDLE_THRESHOLD_SECONDS,
  eventsClientMessage,
  type DesktopEvent,
  type EventType,
  type EventsServerMessage,
} from '../../../shared/api/channels.js';
import { firstIssue } from '../../../shared/api/schemas.js';
import type { Subscriber } from '../../runtime/event-hub.js';
import type { ChannelContext } from './context.js';


export function eventsChannel({ ws, row, desk, paths, hubs, onEnd }: ChannelContext): void {
  const send = (m: EventsServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  // A client that stops reading must not grow the host's memory: past 8 MB queued, events are
  // dropped, and the client is told how many once it has caught up.
  let dropped = 0;
  const deliver = (event: DesktopEvent) => {
    if (ws.bufferedAmount > 8 * 1024 * 1024) return void dropped++;
    if (dropped) {
      send({ type: 'error', message: `${dropped} events were dropped: the client was not reading them` });
      dropped = 0;
    }
    send(event);
  };
  const hub = hubs.for(row.id, desk, paths.channelSocket);
  // While a subscribe is being armed, events wait, so that `subscribed` comes first.
  let held: DesktopEvent[] | null = null;
  const sub: Subscriber & { types: Set<EventType> } = {
    types: new Set(),
    idleThresholdMs: DEFAULT_IDLE_THRESHOLD_SECONDS * 1000,
    deliver: (event: DesktopEvent) => (held ? held.push(event) : deliver(event)),
  };
  onEnd(() => void hub.unsubscribe(sub));

  // Messages are handled one after another: a subscribe is armed before the next is looked at.
  let queue = Promise.resolve();
  ws.on('message', (raw: Buffer) => {
    queue = queue
      .then(() => handle(raw.toString('utf8')))
      .catch((e) => void send({ type: 'error', message: String((e as Error).message ?? e) }));
  });

  async function handle(text: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = text.trim() === 'ping' ? { type: 'ping' } : JSON.parse(text);
    } catch {
      return void send({ type: 'error', message: 'messages must be JSON objects' });
    }
    const m = eventsClientMessage.safeParse(parsed);
    if (!m.success) return void send({ type: 'error', message: firstIssue(m.error) });
    const msg = m.data;
    if (msg.type === 'ping') return void send({ type: 'pong' });
    if (msg.type === 'subscribe') {
      sub.types = new Set(msg.event_types);
      if (msg.idle_threshold_seconds !== undefined) sub.idleThresholdMs = msg.idle_threshold_seconds * 1000;
    } else {
      if (msg.event_types) for (const t of msg.event_types) sub.types.delete(t);
      else sub.types.clear();
    }
    if (ws.readyState !== ws.OPEN) return;
    held = [];
    try {
      if (sub.types.size) await hub.subscribe(sub);
      else await hub.unsubscribe(sub);
      send({ type: 'subscribed', event_types: [...sub.types].sort(), idle_threshold_seconds: sub.idleThresholdMs / 1000 });
    } finally {
      const waiting = held;
      held = null;
      for (const e of waiting) if (sub.types.has(e.type)) deliver(e);
    }
  }
}
