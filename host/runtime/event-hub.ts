/**
 * One computer's event stream, shared by all its events websockets: a single guest connection
 * (guest/events.py) armed with the union of what the subscribers want, fanned out
 * to each subscriber by its own types. Idle/active are timed here, per subscriber, from the
 * guest's `input` reports (the display's time since the last input), so each subscription can
 * have its own threshold.
 */
import type { DesktopEvent, EventType } from '../../shared/api/channels.js';
import { logger } from '../../shared/node/log.js';
import { GuestChannel } from './guest-channel.js';
import type { Desktop } from './desktop.js';

const log = logger('events');

export interface Subscriber {
  types: ReadonlySet<EventType>;
  idleThresholdMs: number;
  deliver(event: DesktopEvent): void;
}

interface IdleState {
  idle: boolean;
  timer?: NodeJS.Timeout;
}

type GuestMessage =
  | { type: 'event'; event_type: EventType | 'input'; timestamp: string; data: Record<string, unknown> }
  | { type: 'armed'; event_types: EventType[] }
  | { type: 'error'; message: string };

export class EventHub {
  private readonly subscribers = new Map<Subscriber, IdleState>();
  private channel?: Promise<GuestChannel>;
  private armWaiters: Array<() => void> = [];
  /** Wall-clock time of the display's last input, once the guest has reported it. */
  private lastInput?: number;
  private closed = false;

  constructor(
    readonly desk: Desktop,
    private readonly socketPath: string,
  ) {}

  /** Adds or updates a subscriber; resolves once the computer's sources for it are armed. */
  async subscribe(sub: Subscriber): Promise<void> {
    if (this.closed) throw new Error('the computer stopped');
    const state = this.subscribers.get(sub) ?? { idle: false };
    clearTimeout(state.timer);
    this.subscribers.set(sub, state);
    await this.arm();
    if (this.lastInput !== undefined) this.scheduleIdle(sub, state);
  }

  async unsubscribe(sub: Subscriber): Promise<void> {
    const state = this.subscribers.get(sub);
    if (!state) return;
    clearTimeout(state.timer);
    this.subscribers.delete(sub);
    if (this.subscribers.size === 0) {
      // Nobody listens: end the stream, which stops every source in the computer.
      const ch = this.channel;
      this.channel = undefined;
      this.lastInput = undefined;
      (await ch?.catch(() => undefined))?.close();
    } else {
      await this.arm();
    }
  }

  /** An event the host itself observed (an out-of-memory kill), to the subscribers of its type. */
  deliverHost(event: DesktopEvent): void {
    for (const sub of this.subscribers.keys()) if (sub.types.has(event.type)) sub.deliver(event);
  }

  get size(): number {
    return this.subscribers.size;
  }

  close(): void {
    this.closed = true;
    for (const state of this.subscribers.values()) clearTimeout(state.timer);
    this.subscribers.clear();
    void this.channel?.then((ch) => ch.close(), () => {});
    this.channel = undefined;
  }

  private wanted(): EventType[] {
    const all = new Set<EventType>();
    for (const sub of this.subscribers.keys()) for (const t of sub.types) all.add(t);
    return [...all].sort();
  }

  private async arm(): Promise<void> {
    const ch = await (this.channel ??= this.open());
    const armed = new Promise<void>((resolve) => this.armWaiters.push(resolve));
    ch.sendJson({ type: 'want', event_types: this.wanted() });
    await Promise.race([armed, new Promise((r) => setTimeout(r, 5000))]);
  }

  private async open(): Promise<GuestChannel> {
    const ch = await GuestChannel.open(this.socketPath, { channel: 'events' });
    ch.on('json', (m: GuestMessage) => this.onMessage(m));
    ch.on('close', () => {
      for (const w of this.armWaiters.splice(0)) w();
      if (this.channel && !this.closed) {
        this.channel = undefined;
        // The stream also ends just before the computer does; only a live computer's is reopened.
        setTimeout(() => {
          if (this.closed || !this.subscribers.size || !this.desk.alive || this.channel) return;
          log.warn(`${this.desk.options.instanceId}: events stream lost; reopening`);
          this.arm().catch((e) => log.warn(`re-arming events: ${e}`));
        }, 500);
      }
    });
    return ch;
  }

  private onMessage(m: GuestMessage): void {
    if (m.type === 'armed') {
      this.armWaiters.shift()?.();
    } else if (m.type === 'event') {
      if (m.event_type === 'input') return this.onInput(Number(m.data.idle_ms ?? 0));
      const event = { type: m.event_type, timestamp: m.timestamp, data: m.data } as DesktopEvent;
      for (const sub of this.subscribers.keys()) if (sub.types.has(event.type)) sub.deliver(event);
    }
  }

  private onInput(idleMs: number): void {
    const previous = this.lastInput;
    this.lastInput = Date.now() - idleMs;
    for (const [sub, state] of this.subscribers) {
      if (state.idle && previous !== undefined && this.lastInput > previous && sub.types.has('active')) {
        sub.deliver({ type: 'active', timestamp: new Date(this.lastInput).toISOString(), data: { idle_seconds: round((this.lastInput - previous) / 1000) } });
      }
      if (this.lastInput !== previous) state.idle = false;
      this.scheduleIdle(sub, state);
    }
  }

  /** Idle fires once per quiet period, `threshold` after the last input. */
  private scheduleIdle(sub: Subscriber, state: IdleState): void {
    clearTimeout(state.timer);
    if (state.idle || this.lastInput === undefined || !(sub.types.has('idle') || sub.types.has('active'))) return;
    const due = this.lastInput + sub.idleThresholdMs;
    state.timer = setTimeout(() => {
      if (!this.subscribers.has(sub) || this.lastInput === undefined) return;
      state.idle = true;
      if (sub.types.has('idle')) {
        sub.deliver({
          type: 'idle',
          timestamp: new Date().toISOString(),
          data: { idle_seconds: round((Date.now() - this.lastInput) / 1000), threshold_seconds: sub.idleThresholdMs / 1000 },
        });
      }
    }, Math.max(0, due - Date.now()));
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The hubs of all computers, one per running desktop; a restarted computer gets a new one. */
export class EventHubs {
  private readonly hubs = new Map<string, EventHub>();

  for(computerId: string, desk: Desktop, socketPath: string): EventHub {
    let hub = this.hubs.get(computerId);
    if (!hub || hub.desk !== desk) {
      hub?.close();
      hub = new EventHub(desk, socketPath);
      this.hubs.set(computerId, hub);
      const created = hub;
      desk.once('exit', () => {
        created.close();
        if (this.hubs.get(computerId) === created) this.hubs.delete(computerId);
      });
    }
    return hub;
  }

  get(computerId: string): EventHub | undefined {
    return this.hubs.get(computerId);
  }

  closeAll(): void {
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
  }
}
