/**
 * Browser mode's stand-in for Electron's preload: the same `window.orgo`, carried over a
 * WebSocket to the launcher (same origin; the launch token's HttpOnly cookie rides along).
 * It also does for the launcher what Electron's main does with windows: opens viewer and grid
 * windows as popups, and http(s) links in a new tab. Loaded before the app's own script.
 */
import { buildApi, type Transport } from '../../../shared/ipc/api';
import type { EventName, IpcResult } from '../../../shared/ipc/channels';

type Incoming =
  | { id: number; result: IpcResult<unknown> }
  | { event: EventName; payload: unknown }
  | { control: 'open'; url: string; name: string; features: string }
  | { control: 'external'; url: string };

const pending = new Map<number, (r: IpcResult<unknown>) => void>();
const queue: string[] = [];
const listeners = new Set<(e: EventName, p: unknown) => void>();
let nextId = 1;
let socket: WebSocket | null = null;
let retry = 0;

function connect(): void {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc`);
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    for (const m of queue.splice(0)) ws.send(m);
  };
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as Incoming;
    if ('id' in msg) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    } else if ('event' in msg) {
      for (const l of listeners) l(msg.event, msg.payload);
    } else if (msg.control === 'open') {
      const w = window.open(msg.url, msg.name, msg.features);
      w?.focus();
    } else if (msg.control === 'external' && /^https?:\/\//.test(msg.url)) {
      window.open(msg.url, '_blank', 'noopener');
    }
  };
  ws.onclose = () => {
    socket = null;
    // Calls in flight are lost with the connection: say so rather than hang.
    for (const [id, resolve] of pending) {
      resolve({ ok: false, error: { message: 'Lost the connection to Orgo Desktop; is it still running?', code: 'disconnected' } });
      pending.delete(id);
    }
    setTimeout(connect, Math.min(5000, 200 * 2 ** retry++));
  };
}

const transport: Transport = {
  invoke(channel, input) {
    const id = nextId++;
    const text = JSON.stringify({ id, channel, input: input ?? null });
    return new Promise((resolve) => {
      pending.set(id, resolve);
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    });
  },
  listen(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// The launch address carries a one-time token (traded for a cookie already): out of the address
// bar and history before anything else runs.
if (new URLSearchParams(location.search).has('token')) history.replaceState(history.state, '', location.pathname + location.hash);
connect();
Object.defineProperty(window, 'orgo', { value: buildApi(transport), writable: false, configurable: false });
