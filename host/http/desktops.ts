/**
 * WebSockets under /desktops/{instance_id}: VNC (/ws/websockify and its alias /websockify),
 * terminal, events and audio (/ws/terminal, /ws/events, /ws/audio). One router does what every
 * channel needs: the upgrade checks Origin against Host (a web page elsewhere cannot ride a
 * user's session); the connection then needs the computer's VNC password as `?token=` (or an
 * API key that reaches the computer), else it closes with 4401, except VNC: a viewer with neither
 * meets the host's RFB gate (channels/rfb-gate.ts), VNC authentication done by the host; a computer that is not running
 * closes it with 4409, and so does a computer that stops while it is open. Each channel lives in
 * its own file under channels/. RFB and the guest's streams are on root-only unix sockets, so
 * this check is the real gate.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE } from '../../shared/api/channels.js';
import { logger } from '../../shared/node/log.js';
import { sameSecret } from '../../shared/node/secrets.js';
import type { HostServices } from './services.js';
import type { ChannelContext } from './channels/context.js';
import { audioChannel } from './channels/audio.js';
import { hostOf, rawAnswer } from './edge.js';
import { EventHubs } from '../runtime/event-hub.js';
import { eventsChannel } from './channels/events.js';
import type { OomEvent } from '../services/computers.js';
import { terminalChannel } from './channels/terminal.js';
import { vncChannel } from './channels/vnc.js';
import { newLimits } from './channels/rfb-gate.js';

const log = logger('desktops');
const PATH = /^\/desktops\/([A-Za-z0-9_-]+)\/(?:ws\/(websockify|terminal|events|audio)|(websockify))$/;
export const CLOSE_UNAUTHORIZED = CLOSE.unauthorized;
export const CLOSE_NOT_RUNNING = CLOSE.notRunning;


type Channel = (ctx: ChannelContext) => void | Promise<void>;
const channels: Record<string, Channel> = {
  websockify: vncChannel,
  terminal: terminalChannel,
  events: eventsChannel,
  audio: audioChannel,
};

/** A browser's Origin must name this host; non-browser clients send none. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** An upgrade refused before it happens: Orgo's JSON error shape, as every HTTP answer. */
function refuse(socket: Duplex, status: number, message: string, code: string): void {
  socket.end(rawAnswer(status, message, code));
}

export function attachDesktopSockets(server: Server, s: HostServices): { close(): void } {
  const hubs = new EventHubs();
  const limits = newLimits();
  const onOom = (e: OomEvent) =>
    hubs.get(e.computerId)?.deliverHost({ type: 'oom_kill', timestamp: e.timestamp, data: { process: e.process, host_pid: e.pid, rss_mb: e.rss_mb, mem_gb: e.mem_gb } });
  s.computers.on('oom_kill', onOom);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    // noVNC offers 'binary' and some older clients 'base64'; RFB here is always binary.
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!hostOf(req.rawHeaders)) return refuse(socket, 400, 'The Host header is missing or not a host name', 'bad_host');
    let url: URL;
    try {
      // Origin form or absolute form alike: the path decides.
      url = new URL(req.url ?? '/', 'http://host');
    } catch {
      return refuse(socket, 400, 'The request address is not a valid URL', 'bad_url');
    }
    const m = PATH.exec(url.pathname);
    if (!m) return refuse(socket, 404, `No such channel: ${url.pathname}`, 'not_found');
    const name = m[2] ?? m[3]!;
    // A VNC viewer with neither token nor key carries no credential a foreign page could ride: it
    // must pass the RFB gate's password check, so Orgo's embed may connect from any site.
    const gated = name === 'websockify' && !url.searchParams.has('token') && !req.headers.authorization;
    if (!gated && !originAllowed(req)) return refuse(socket, 403, 'Forbidden: Origin does not match Host', 'origin_mismatch');
    wss.handleUpgrade(req, socket, head, (ws) => {
      open(ws, req, url, m[1]!, name, gated).catch((e) => {
        log.error(`${name} ${m[1]}: ${e}`);
        if (ws.readyState === ws.OPEN) ws.close(1011, 'internal error');
      });
    });
  });

  async function open(ws: WebSocket, req: IncomingMessage, url: URL, instanceId: string, name: string, gated: boolean): Promise<void> {
    const row = s.computerStore.byInstance(instanceId);
    if (!row || (!gated && !authorized(row, req, url.searchParams.get('token')))) {
      ws.close(CLOSE.unauthorized, 'invalid token');
      return;
    }
    const desk = s.computers.desktop(row.id);
    if (row.status !== 'running' || !desk?.alive) {
      ws.close(CLOSE.notRunning, 'computer is not running');
      return;
    }
    // Every open channel is someone using the computer: no auto-stop meanwhile.
    s.computers.viewerOpened(row.id);
    const enders: Array<() => void> = [];
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      desk.off('exit', stopped);
      s.computers.viewerClosed(row.id);
      for (const fn of enders) {
        try {
          fn();
        } catch (e) {
          log.warn(`${name} cleanup: ${e}`);
        }
      }
    };
    const stopped = () => {
      if (ws.readyState === ws.OPEN) ws.close(CLOSE.notRunning, 'the computer stopped');
      end();
    };
    // One exit listener per open channel; a viewer with terminals, events and audio holds many.
    desk.setMaxListeners(0);
    desk.once('exit', stopped);
    ws.once('close', end);
    ws.on('error', end);
    await channels[name]!({
      ws,
      url,
      row,
      desk,
      paths: s.computers.paths(row),
      services: s,
      hubs,
      ...(gated ? { rfbGate: { address: req.socket.remoteAddress ?? 'unknown', limits } } : {}),
      onEnd: (fn) => (ended ? fn() : enders.push(fn)),
    });
  }

  function authorized(row: { vnc_password: string; workspace_id: string }, req: IncomingMessage, token: string | null): boolean {
    if (token) return sameSecret(token, row.vnc_password);
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const key = s.keyChecker.verify(m[1]!);
    return !!key && (!key.workspace_id || key.workspace_id === row.workspace_id);
  }

  return {
    close: () => {
      hubs.closeAll();
      wss.close();
      s.computers.off('oom_kill', onOom);
    },
  };
}
