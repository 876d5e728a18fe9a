/**
 * The loopback relay for a computer's live channels (terminal, events, audio), shaped like the
 * VNC relay: the renderer asks main for a one-time URL (`ws://127.0.0.1:PORT/ch/TICKET`, from the
 * app's loopback gate), connects
 * there, and main opens the computer's own websocket with the VNC password it fetches at that
 * moment (so a restart's rotated password is picked up by simply connecting again). Messages go
 * both ways as they are (JSON text; audio's binary frames). The computer's close code reaches the
 * renderer (4409 not running, 4401 refused, 1000 ended), so the window can say what happened and
 * reconnect. The renderer never holds the API key or the password.
 */
import { WebSocket, type RawData } from 'ws';
import { CLOSE, channelUrl } from '../shared/api/channels.js';
import { describeError } from './errors.js';
import { logger } from './log.js';
import type { LoopbackGate } from './loopback-gate.js';
import type { Session } from './session.js';

const log = logger('channels');
const TICKET_MS = 60_000;

export type LiveChannel = 'terminal' | 'events' | 'audio';

/** Close codes of our own, toward the renderer, for what the computer's socket cannot say. */
export const RELAY_CLOSE = {
  /** The computer's socket dropped without a close frame (network, host gone): reconnect. */
  lost: 4502,
  /** Main could not reach or ask the API (signed out, host down): the reason says why. */
  unavailable: 4503,
} as const;

interface Ticket {
  computerId: string;
  profileId: string;
  channel: LiveChannel;
  params: Record<string, string | number | undefined>;
}

export class ChannelRelay {
  /** Every open pair, renderer side → computer side (the leak test counts them). */
  private readonly live = new Map<WebSocket, WebSocket | null>();

  constructor(
    private readonly gate: LoopbackGate,
    private readonly session: Session,
  ) {
    gate.route<Ticket>('ch', (ws, ticket) => {
      this.live.set(ws, null);
      ws.once('close', () => {
        const up = this.live.get(ws);
        this.live.delete(ws);
        if (up && up.readyState !== WebSocket.CLOSED) up.close(1000);
      });
      this.relay(ws, ticket).catch((e) => {
        log.error(`${ticket.channel} ${ticket.computerId}: ${e}`);
        closeDown(ws, RELAY_CLOSE.unavailable, describeError(e).message);
      });
    });
  }

  ticket(computerId: string, channel: LiveChannel, params: Record<string, string | number | undefined> = {}): string {
    return this.gate.issue<Ticket>('ch', { computerId, channel, params, profileId: this.session.profiles.active().id }, TICKET_MS);
  }

  /** Open relays: renderer-side sockets, and computer-side sockets still open. */
  counts(): { relays: number; upstream: number } {
    let upstream = 0;
    for (const up of this.live.values()) if (up && up.readyState !== WebSocket.CLOSED) upstream++;
    return { relays: this.live.size, upstream };
  }

  private async relay(down: WebSocket, ticket: Ticket): Promise<void> {
    // What the renderer sends before the computer's side is open waits here, in order.
    const early: Array<{ data: RawData; binary: boolean }> = [];
    let up: WebSocket | null = null;
    down.on('message', (data, binary) => {
      if (up?.readyState === WebSocket.OPEN) up.send(data, { binary });
      else if (early.length < 1000) early.push({ data, binary });
    });
    if (this.session.profiles.active().id !== ticket.profileId) return closeDown(down, RELAY_CLOSE.unavailable, 'The profile changed; open the viewer again');
    const { client } = await this.session.client();
    const computer = await client.getComputer(ticket.computerId);
    if (down.readyState !== WebSocket.OPEN) return;
    if (computer.status !== 'running') return closeDown(down, CLOSE.notRunning, `“${computer.name}” is ${computer.status}`);
    const password = computer.vnc_password || (await client.vncPassword(computer.id));
    if (down.readyState !== WebSocket.OPEN) return;
    up = new WebSocket(channelUrl(computer.connection_url, ticket.channel, { ...ticket.params, token: password }), { perMessageDeflate: false, handshakeTimeout: 15_000 });
    this.live.set(down, up);
    const upstream = up;
    upstream.on('open', () => {
      for (const m of early.splice(0)) upstream.send(m.data, { binary: m.binary });
    });
    upstream.on('message', (data, binary) => {
      if (down.readyState !== WebSocket.OPEN) return;
      // A renderer that stops reading (a hidden window's audio) drops frames rather than piling up memory.
      if (binary && down.bufferedAmount > 4 * 1024 * 1024) return;
      down.send(data, { binary });
    });
    upstream.on('unexpected-response', (_q, res) => {
      closeDown(down, res.statusCode === 404 ? CLOSE.notRunning : RELAY_CLOSE.unavailable, `the computer's ${ticket.channel} socket answered HTTP ${res.statusCode}`);
      upstream.terminate();
    });
    upstream.on('error', (e) => closeDown(down, RELAY_CLOSE.lost, describeError(e).message));
    upstream.on('close', (code, reason) => {
      // The computer's own codes pass through; an abnormal end (1006) becomes "lost".
      const passes = code === 1000 || (code >= 4000 && code < 5000);
      closeDown(down, passes ? code : RELAY_CLOSE.lost, passes ? reason.toString() : 'The connection to the computer was lost');
    });
  }

  close(): void {
    for (const [down, up] of this.live) {
      down.terminate();
      up?.terminate();
    }
    this.live.clear();
  }
}

function closeDown(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CONNECTING) return;
  // A close reason is at most 123 bytes.
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -2);
  ws.close(code, r);
}
