/**
 * WebSockets under /desktops/{instance_id}: VNC (/ws/websockify and its alias /websockify),
 * terminal, events and audio (/ws/terminal, /ws/events, /ws/audio). One router does what every
 * channel needs: the upgrade checks Origin against Host (a web page elsewhere cannot ride a
 * user's session); the connection then needs the computer's VNC password as `?token=` (or an
 * API key that reaches the computer), else it closes with 4401; a computer that is not running
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
import { refuseUpgrade } from '../../shared/node/upgrade.js';
import type { HostServices } from './services.js';
import type { ChannelContext } from './channels/context.js';
import { audioChannel } from './channels/audio.js';
import { EventHubs } from '../runtime/event-hub.js';
import { eventsChannel } from './channels/events.js';
import { terminalChannel } from './channels/terminal.js';
import { vncChannel } from './channels/vnc.js';

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


export function attachDesktopSockets(server: Server, s: HostServices): { close(): void } {
  const hubs = new EventHubs();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    // noVNC offers 'binary' and some older clients 'base64'; RFB here is always binary.
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const m = PATH.exec(url.pathname);
    if (!m) return refuseUpgrade(socket, 404, 'Not Found');
    if (!originAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden: Origin does not match Host');
    const name = m[2] ?? m[3]!;
    wss.handleUpgrade(req, socket, head, (ws) => {
      open(ws, req, url, m[1]!, name).catch((e) => {
        log.error(`${name} ${m[1]}: ${e}`);
        if (ws.readyState === ws.OPEN) ws.close(1011, 'internal error');
      });
    });
  });

  async function open(ws: WebSocket, req: IncomingMessage, url: URL, instanceId: string, name: string): Promise<void> {
    const row = s.computerStore.byInstance(instanceId);
    if (!row || !authorized(row, req, url.searchParams.get('token'))) {
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
    await channels[name]!({ ws, url, row, desk, paths: s.computers.paths(row), services: s, hubs, onEnd: (fn) => (ended ? fn() : enders.push(fn)) });
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
    },
  };
}
