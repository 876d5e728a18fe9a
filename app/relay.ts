/**
 * The VNC loopback relay. The renderer asks main for a one-time URL (`ws://127.0.0.1:PORT/vnc/
 * TICKET`, valid once, for half a minute, from the app's loopback gate); noVNC connects there and
 * meets a server that needs no
 * password. Main fetches the computer's current VNC password, opens the computer's own VNC
 * websocket, does the VNC authentication and init itself, and from then on relays bytes. So the
 * renderer never holds the API key or the VNC password.
 */
import { WebSocket } from 'ws';
import { PacedSender } from '../shared/node/ws-flow.js';
import { describeError } from './errors.js';
import { logger } from './log.js';
import type { LoopbackGate } from './loopback-gate.js';
import { firstFrameRequest, type FirstFramePicture } from './rfb-first-frame.js';
import { ByteReader, acceptDownstream, authenticateUpstream, greetDownstream, initDownstream, initUpstream, refuseDownstream } from './rfb-handshake.js';
import type { Computer } from '../shared/api/types.js';
import type { Session } from './session.js';

const log = logger('relay');
const TICKET_MS = 30_000;

interface Upstream {
  up?: WebSocket;
  reader?: ByteReader;
  /** The computer's ServerInit, for the viewer's ClientInit. */
  serverInit?: Buffer;
  /** Why the computer's side could not be opened, in words; null when it is ready. */
  failure: string | null;
}

interface Ticket {
  computerId: string;
  /** The computer's side, opened and authenticated as soon as the URL is handed out. */
  upstream: Promise<Upstream>;
}

/** The computer's VNC websocket from its connection_url (Orgo: /desktops/{instance_id}). */
export function upstreamUrl(connectionUrl: string, password: string): string {
  const u = new URL(connectionUrl.replace(/\/+$/, '') + '/ws/websockify');
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('token', password);
  return u.toString();
}

export class VncRelay {
  private readonly live = new Set<WebSocket>();
  /** The computers' sides, opened or opening (the leak check counts them too). */
  private readonly ups = new Set<WebSocket>();

  constructor(
    private readonly gate: LoopbackGate,
    private readonly session: Session,
    /** What the live list last saw of a computer, to skip one API call when it is fresh enough. */
    private readonly known: (id: string) => Computer | undefined = () => undefined,
  ) {
    gate.route<Ticket>('vnc', (ws, ticket) => {
      this.live.add(ws);
      ws.once('close', () => this.live.delete(ws));
      this.relay(ws, ticket).catch((e) => {
        log.error(`relay ${ticket.computerId}: ${e}`);
        ws.close(1011);
      });
    });
  }

  /**
   * A one-time URL for one viewer connection to one computer. The computer's side is opened at
   * once, so it is ready (authenticated) by the time noVNC has loaded and connects.
   */
  ticket(computerId: string, picture: FirstFramePicture = {}): string {
    const upstream = this.prepare(computerId, this.session.profiles.active().id, picture);
    // Never used (or too late): let go of the computer's side too.
    return this.gate.issue<Ticket>('vnc', { computerId, upstream }, TICKET_MS, () => void upstream.then((u) => u.up?.terminate()));
  }

  /** Opens the computer's VNC socket and authenticates; the reader holds how it closed, if it did. */
  private async openUpstream(computer: Computer, attempt: { up?: WebSocket; reader?: ByteReader; serverInit?: Buffer }, picture: FirstFramePicture): Promise<void> {
    if (computer.status !== 'running') throw new Error(`“${computer.name}” is ${computer.status}, not running`);
    const password = computer.vnc_password || (await (await this.session.client()).client.vncPassword(computer.id));
    const up = new WebSocket(upstreamUrl(computer.connection_url, password), ['binary'], { perMessageDeflate: false, handshakeTimeout: 15_000 });
    attempt.up = up;
    this.ups.add(up);
    up.once('close', () => this.ups.delete(up));
    attempt.reader = new ByteReader(up);
    await new Promise<void>((resolve, reject) => {
      up.once('open', () => resolve());
      up.once('error', reject);
      up.once('unexpected-response', (_q, res) => reject(new Error(`the computer's VNC socket answered HTTP ${res.statusCode}`)));
    });
    await authenticateUpstream(up, attempt.reader, password);
    attempt.serverInit = await initUpstream(up, attempt.reader);
    // The first frame is encoded while the viewer's page loads; it waits in the reader and
    // follows the viewer's ServerInit (rfb-first-frame.ts).
    up.send(firstFrameRequest(attempt.serverInit, picture));
  }

  /** The computer's side: from the live list's copy when it has one, else (or on failure) the API. */
  private async prepare(computerId: string, profileId: string, picture: FirstFramePicture): Promise<Upstream> {
    let attempt: { up?: WebSocket; reader?: ByteReader; serverInit?: Buffer } = {};
    try {
      if (this.session.profiles.active().id !== profileId) throw new Error('The profile changed; open the viewer again');
      const cached = this.known(computerId);
      let opened = false;
      if (cached?.status === 'running') {
        // The live list's copy saves an API call. A restart since then rotated the password,
        // so on any failure ask the API afresh, once.
        opened = await this.openUpstream(cached, attempt, picture).then(
          () => true,
          () => {
            attempt.up?.terminate();
            attempt = {};
            return false;
          },
        );
      }
      if (!opened) {
        const { client } = await this.session.client();
        await this.openUpstream(await client.getComputer(computerId), attempt, picture);
      }
      return { ...attempt, failure: null };
    } catch (e) {
      attempt.up?.terminate();
      const close = attempt.reader?.closeInfo;
      const failure =
        close?.code === 4409
          ? 'The computer is not running'
          : close?.code === 4401
            ? 'The computer refused the connection (its VNC password changes on restart); reconnect'
            : describeError(e).message;
      return { failure };
    }
  }

  private async relay(down: WebSocket, ticket: Ticket): Promise<void> {
    const downReader = new ByteReader(down);
    const greeting = greetDownstream(down, downReader);
    greeting.catch(() => {}); // awaited below; a viewer that leaves early is not an error
    const { up, reader, serverInit, failure } = await ticket.upstream;
    let minor: number;
    try {
      minor = await greeting;
    } catch {
      up?.close();
      return;
    }
    // The computer's side may have gone while the viewer was loading.
    const gone = up && up.readyState !== WebSocket.OPEN ? 'The connection to the computer closed; reconnect' : null;
    if (failure || gone || !up || !reader || !serverInit) {
      log.info(`viewer for ${ticket.computerId} refused: ${failure ?? gone}`);
      refuseDownstream(down, minor, failure ?? gone ?? 'unknown error');
      setTimeout(() => down.close(1000), 200);
      up?.close();
      return;
    }
    try {
      await acceptDownstream(down, downReader, minor);
      await initDownstream(down, downReader, serverInit);
    } catch {
      // The viewer left (or spoke nonsense) mid-handshake: let go of the computer's side too.
      up.terminate();
      if (down.readyState === WebSocket.OPEN) down.close(1002);
      return;
    }
    // The computer's side may have closed while the viewer finished its handshake: say so, and
    // the viewer reconnects, rather than sit "connected" on a dead socket.
    if (up.readyState !== WebSocket.OPEN) {
      down.close(1011, 'The connection to the computer closed; reconnect');
      return;
    }
    pipe(down, downReader.detach(), up, reader.detach());
  }

  /** Open viewer connections (the leak check counts them). */
  liveCount(): number {
    return this.live.size;
  }

  /** Sockets to computers still open: those of unused tickets and of live viewers. */
  upstreamCount(): number {
    let n = 0;
    for (const up of this.ups) if (up.readyState !== WebSocket.CLOSED) n++;
    return n;
  }

  close(): void {
    for (const ws of this.live) ws.terminate();
    for (const up of this.ups) up.terminate();
  }
}

/** Bytes both ways, with backpressure: a slow viewer pauses the computer's side, not memory. */
function pipe(down: WebSocket, downRest: Buffer, up: WebSocket, upRest: Buffer): void {
  if (upRest.length) down.send(upRest);
  if (downRest.length) up.send(downRest);
  const forward = (from: WebSocket, to: WebSocket) => {
    const paced = new PacedSender(to, from);
    from.on('message', (data: Buffer) => paced.send(data, true));
  };
  forward(up, down);
  forward(down, up);
  const closeBoth = () => {
    for (const ws of [up, down]) if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
  };
  up.on('close', closeBoth);
  down.on('close', closeBoth);
  up.on('error', closeBoth);
  down.on('error', closeBoth);
}
