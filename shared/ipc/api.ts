/**
 * Builds `window.orgo` from a transport: small named functions (`orgo.computers.start({id})`),
 * one per channel of the contract, plus `on(event, listener)`. The Electron preload and the
 * browser-mode bridge both call this, so the renderer sees the same object either way.
 */
import { CHANNELS, EVENT_NAMES, type CallInput, type CallOutput, type Channel, type EventName, type Events, type IpcResult } from './channels.js';

export interface Transport {
  invoke(channel: Channel, input: unknown): Promise<IpcResult<unknown>>;
  /** Subscribes to every event; answers an unsubscribe function. */
  listen(listener: (event: EventName, payload: unknown) => void): () => void;
}

type Namespace<C> = C extends `${infer N}.${string}` ? N : never;
type Fn<C extends Channel> = CallInput<C> extends void ? () => Promise<CallOutput<C>> : (input: CallInput<C>) => Promise<CallOutput<C>>;

export type OrgoApi = {
  [N in Namespace<Channel>]: { [C in Channel as C extends `${N}.${infer F}` ? F : never]: Fn<C> };
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** An IPC call that failed, with the words from main (and the API's code/status when any). */
export class OrgoIpcError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OrgoIpcError';
  }
}

export function buildApi(transport: Transport): OrgoApi {
  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    const [ns, fn] = channel.split('.') as [string, string];
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[fn] = async (input?: unknown) => {
      const r = await transport.invoke(channel, input);
      if (!r.ok) throw new OrgoIpcError(r.error.message, r.error.code, r.error.status);
      return r.value;
    };
  }
  const listeners = new Map<EventName, Set<(p: unknown) => void>>(EVENT_NAMES.map((e) => [e, new Set()]));
  transport.listen((event, payload) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  });
  api.on = (event: EventName, listener: (p: unknown) => void) => {
    const set = listeners.get(event);
    if (!set) throw new Error(`unknown event ${event}`);
    set.add(listener);
    return () => set.delete(listener);
  };
  return Object.freeze(api) as OrgoApi;
}
