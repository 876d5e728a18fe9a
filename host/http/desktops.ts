/**
 * WebSockets under /desktops/{instance_id}: the VNC socket (RFB bytes both ways) at
 * /ws/websockify and its alias /websockify. The upgrade checks Origin against Host (a web page
 * elsewhere cannot ride a user's session); the connection then needs the computer's VNC
 * password as `?token=` (or an API key that reaches the computer), else it closes with 4401.
 * RFB itself lives on a root-only unix socket, so this check is the real gate.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { logger } from '../log.js';
import type { HostServices } from './app.js';

const log = logger('desktops');
const PATH = /^\/desktops\/([A-Za-z0-9_-]+)\/(ws\/websockify|websockify)$/;
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_NOT_RUNNING = 4409;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Length is not secret (all passwords have the same length); the content is.
  return x.length === y.length && timingSafeEqual(x, y);
}

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

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

export function attachDesktopSockets(server: Server, s: HostServices): { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    // noVNC offers 'binary' and some older clients 'base64'; RFB here is always binary.
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const m = PATH.exec(url.pathname);
    if (!m) return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req)) return refuse(socket, 403, 'Forbidden: Origin does not match Host');
    wss.handleUpgrade(req, socket, head, (ws) => {
      relay(ws, req, m[1]!, url.searchParams.get('token')).catch((e) => {
        log.error(`relay ${m[1]}: ${e}`);
        ws.close(1011, 'internal error');
      });
    });
  });

  async function relay(ws: WebSocket, req: IncomingMessage, instanceId: string, token: string | null): Promise<void> {
    const row = s.computerStore.byInstance(instanceId);
    if (!row || !authorized(row, req, token)) {
      ws.close(CLOSE_UNAUTHORIZED, 'invalid token');
      return;
    }
    const desk = s.computers.desktop(row.id);
    if (row.status !== 'running' || !desk?.alive) {
      ws.close(CLOSE_NOT_RUNNING, 'computer is not running');
      return;
    }
    const rfb = connect(s.computers.paths(row).vncSocket);
    s.computers.viewerOpened(row.id);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      desk.off('exit', close);
      s.computers.viewerClosed(row.id);
      rfb.destroy();
      if (ws.readyState === ws.OPEN) ws.close(1000);
    };
    rfb.on('data', (chunk) => {
      ws.send(chunk, { binary: true });
      // Backpressure: a slow viewer must not make the host buffer frames without bound.
      if (ws.bufferedAmount > 8 * 1024 * 1024) {
        rfb.pause();
        const resume = setInterval(() => {
          if (ws.bufferedAmount < 1024 * 1024 || ws.readyState !== ws.OPEN) {
            clearInterval(resume);
            rfb.resume();
          }
        }, 10);
      }
    });
    ws.on('message', (data: Buffer) => rfb.write(data));
    rfb.on('close', close);
    rfb.on('error', close);
    ws.on('close', close);
    ws.on('error', close);
    desk.once('exit', close);
  }

  function authorized(row: { vnc_password: string; workspace_id: string }, req: IncomingMessage, token: string | null): boolean {
    if (token) return sameSecret(token, row.vnc_password);
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const key = s.keyChecker.verify(m[1]!);
    return !!key && (!key.workspace_id || key.workspace_id === row.workspace_id);
  }

  return { close: () => wss.close() };
}
