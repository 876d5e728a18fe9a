/**
 * Browser mode's stand-in for Electron's preload: the same `window.orgo`, carried over a
 * WebSocket to the launcher (same origin; the launch token's HttpOnly cookie rides along).
 * It also does for the launcher what Electron's main does with windows: opens viewer and grid
 * windows as popups, and http(s) links in a new tab. Loaded before the app's own script.
 *
 * Chromium aborts loads that are waiting for a connection, loopback ones included, whenever the
 * machine's addresses change (Wi-Fi, a VPN, a container's network: net::ERR_NETWORK_CHANGED).
 * So a call waits for the next connection rather than failing when a connection attempt fails,
 * and a page whose own code or styles failed to load that way loads again, once.
 */
import { buildApi, type Transport } from '../../../shared/ipc/api';
import type { EventName, IpcResult } from '../../../shared/ipc/channels';

type Incoming =
  | { id: number; result: IpcResult<unknown> }
  | { event: EventName; payload: unknown }
  | { control: 'open'; url: string; name: string; features: string }
  | { control: 'external'; url: string };

const pending = new Map<number, (r: IpcResult<unknown>) => void>();
/** Calls not yet sent: they go out on the next connection. */
const queue: Array<{ id: number; text: string }> = [];
/** Calls sent on the current connection, unanswered: lost with it. */
const sent = new Set<number>();
const listeners = new Set<(e: EventName, p: unknown) => void>();
let nextId = 1;
let socket: WebSocket | null = null;
let retry = 0;

function connect(): void {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc`);
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    for (const m of queue.splice(0)) {
      ws.send(m.text);
      sent.add(m.id);
    }
  };
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as Incoming;
    if ('id' in msg) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
      sent.delete(msg.id);
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
    // Calls sent on it are lost with the connection: say so rather than hang (they may have run).
    // Queued ones were never sent: they wait for the next connection.
    for (const id of sent) {
      pending.get(id)?.({ ok: false, error: { message: 'Lost the connection to Orgo Desktop; is it still running?', code: 'disconnected' } });
      pending.delete(id);
    }
    sent.clear();
    setTimeout(connect, Math.min(5000, 200 * 2 ** retry++));
  };
}

const transport: Transport = {
  invoke(channel, input) {
    const id = nextId++;
    const text = JSON.stringify({ id, channel, input: input ?? null });
    return new Promise((resolve) => {
      pending.set(id, resolve);
      if (socket?.readyState === WebSocket.OPEN) {
        socket.send(text);
        sent.add(id);
      } else queue.push({ id, text });
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
reloadOnFailedLoad();
connect();

/**
 * The page's own script or stylesheet failed to load (an aborted load is not retried by the
 * browser): load the page again, at most once in half a minute, so a window is never left blank.
 */
function reloadOnFailedLoad(): void {
  const KEY = 'orgo-reloaded-at';
  window.addEventListener(
    'error',
    (e) => {
      const el = e.target;
      const ours = (el instanceof HTMLScriptElement && el.src.startsWith(location.origin)) || (el instanceof HTMLLinkElement && el.href.startsWith(location.origin));
      if (!ours) return;
      const last = Number(sessionStorage.getItem(KEY) ?? 0);
      if (Date.now() - last < 30_000) return;
      sessionStorage.setItem(KEY, String(Date.now()));
      location.reload();
    },
    true,
  );
}
Object.defineProperty(window, 'orgo', { value: buildApi(transport), writable: false, configurable: false });
