/**
 * The app's one loopback gate: a WebSocket server on 127.0.0.1 (its own port under Electron, the
 * launcher's under browser mode) that lets a renderer in only with a one-time ticket. The VNC
 * relay (`/vnc/TICKET`) and the channel relay (`/ch/TICKET`) each route their kind of ticket
 * through it: the ticket map, the expiry, the upgrade and the refusal live here once. A renderer
 * never holds the API key or a VNC password; it holds a URL that works once, briefly.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { refuseUpgrade } from '../shared/node/upgrade.js';

const PATH = /^\/([a-z]+)\/([A-Za-z0-9_-]{20,100})$/;

interface Ticket {
  kind: string;
  payload: unknown;
  expires: number;
  expiry: NodeJS.Timeout;
  /** Lets go of what was prepared for a ticket nobody used (or used too late). */
  unused?: () => void;
}

type Route = (ws: WebSocket, payload: never) => void;

export class LoopbackGate {
  private readonly tickets = new Map<string, Ticket>();
  private readonly routes = new Map<string, Route>();
  // noVNC offers 'binary'; the channels' clients offer no subprotocol.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024, handleProtocols: (p) => (p.has('binary') ? 'binary' : false) });
  private server: Server | null = null;
  private base: string | null = null;

  /** Its own loopback server (Electron); browser mode hands its upgrades to handleUpgrade instead. */
  async listen(): Promise<string> {
    const server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket, head) || refuseUpgrade(socket, 404));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.server = server;
    this.base = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
    return this.base;
  }

  /** Browser mode: the launcher's own origin serves the gate. */
  useBase(base: string): void {
    this.base = base;
  }

  /** What a ticket of this kind opens, once its WebSocket is accepted. */
  route<T>(kind: string, open: (ws: WebSocket, payload: T) => void): void {
    this.routes.set(kind, open as Route);
  }

  /** A one-time URL for one connection, valid for `ttlMs`. */
  issue<T>(kind: string, payload: T, ttlMs: number, unused?: () => void): string {
    if (!this.base) throw new Error('the app\'s loopback gate is not listening');
    const id = randomBytes(24).toString('base64url');
    const expiry = setTimeout(() => {
      if (this.tickets.delete(id)) unused?.();
    }, ttlMs);
    expiry.unref();
    this.tickets.set(id, { kind, payload, expires: Date.now() + ttlMs, expiry, unused });
    return `${this.base}/${kind}/${id}`;
  }

  /** Answers true when the upgrade was for the gate (handled, or refused), false to let others try. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const m = PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const open = m && this.routes.get(m[1]!);
    if (!m || !open) return false;
    const ticket = this.tickets.get(m[2]!);
    this.tickets.delete(m[2]!);
    if (ticket) clearTimeout(ticket.expiry);
    if (!ticket || ticket.kind !== m[1] || ticket.expires < Date.now()) {
      ticket?.unused?.();
      refuseUpgrade(socket, 403);
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => open(ws, ticket.payload as never));
    return true;
  }

  close(): void {
    for (const t of this.tickets.values()) {
      clearTimeout(t.expiry);
      t.unused?.();
    }
    this.tickets.clear();
    this.wss.close();
    this.server?.close();
  }
}
