/**
 * RTMP streaming (issue 14): the account's named connections, and one stream per computer. The
 * stream itself runs inside the computer (guest/stream.py: ffmpeg, its retries and its status);
 * the host keeps the keys, hands the guest the URL, and remembers what the guest cannot: that
 * a stream ended because its computer stopped.
 */
import type { StreamConnection, StreamConnectionBody, StreamStartAnswer, StreamStatus } from '../../shared/api/manage.js';
import { logger } from '../../shared/node/log.js';
import { ApiError, conflict, notFound, unreachable } from '../errors.js';
import type { Desktop } from '../runtime/desktop.js';
import type { StreamConnectionRow, StreamConnectionStore } from '../store/stream-connections.js';
import type { Computers } from './computers.js';

const log = logger('stream');

/** Frames a second of every stream: a desktop reads well at 15, and it costs half of 30 (bench/manage.ts). */
export const STREAM_FPS = 15;
/** The guest answers a start once frames reach the server, or after 12 s without (guest/stream.py). */
const START_TIMEOUT_MS = 20_000;
const STATUS_TIMEOUT_MS = 5_000;
/** How often the host looks at the streams it started, to learn of those that ended on their own. */
const WATCH_MS = 15_000;

/** A stream the host started, on that run of the computer. */
interface Started {
  desktop: Desktop;
  connection_name: string;
  start_time: string;
}

/** The key as the API shows it: never whole, a few last characters when it is long enough to spare them. */
export function keyHint(key: string): string {
  const shown = key.length >= 12 ? 4 : key.length >= 6 ? 2 : 0;
  return '••••' + (shown ? key.slice(-shown) : '');
}

/** A password in the server URL (rtmp://user:password@host/app) is masked as the key is. */
function shownUrl(url: string): string {
  return url.replace(/^(rtmps?:\/\/[^/@:]*):[^/@]*@/i, '$1:••••@');
}

export function connectionView(row: StreamConnectionRow): StreamConnection {
  return { name: row.name, server_url: shownUrl(row.server_url), stream_key_hint: keyHint(row.stream_key), created_at: row.created_at };
}

/** Where ffmpeg publishes: the server URL (the application) and the key as the stream's name, as OBS does. */
export function publishUrl(row: Pick<StreamConnectionRow, 'server_url' | 'stream_key'>): string {
  return `${row.server_url.replace(/\/+$/, '')}/${row.stream_key}`;
}

export class Streams {
  private readonly started = new Map<string, Started>();
  /** Streams that ended with their computer, until the next start or stop. */
  private readonly ended = new Map<string, StreamStatus>();
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly computers: Computers,
    private readonly store: StreamConnectionStore,
  ) {
    this.ticker = setInterval(() => void this.watch(), WATCH_MS);
    this.ticker.unref();
  }

  connections(): StreamConnection[] {
    return this.store.list().map(connectionView);
  }

  addConnection(body: StreamConnectionBody): StreamConnection {
    const row = this.store.insert({ name: body.name.trim(), server_url: body.server_url.trim(), stream_key: body.stream_key });
    if (!row) throw conflict(`A stream connection named "${body.name.trim()}" exists; delete it first to change it`, 'connection_exists');
    return connectionView(row);
  }

  removeConnection(name: string): void {
    if (!this.store.delete(name)) throw notFound('Stream connection');
  }

  async start(id: string, connectionName: string): Promise<StreamStartAnswer> {
    const conn = this.store.get(connectionName);
    if (!conn) {
      throw new ApiError(404, `No stream connection named "${connectionName}"; add it with POST /api/streaming/connections`, 'connection_not_found', {
        connections: this.store.list().map((c) => c.name),
      });
    }
    const r = await this.computers.guest(id, 'stream_start', { url: publishUrl(conn), connection_name: conn.name, fps: STREAM_FPS }, START_TIMEOUT_MS);
    if (!r.ok) throw unreachable(r.error);
    if (r.busy) throw conflict(`The computer is already streaming (to "${r.connection_name}"); stop that stream first`, 'already_streaming');
    if (!r.started) throw new ApiError(502, `The stream did not start: ${r.reason ?? 'ffmpeg ended'}${loopbackHint(conn.server_url)}`, 'stream_failed');
    const desktop = this.computers.desktop(id);
    this.ended.delete(id);
    if (desktop) this.remember(id, desktop, { connection_name: conn.name, start_time: r.start_time! });
    return { success: true, status: 'streaming', pid: r.pid!, start_time: r.start_time!, connection_name: conn.name };
  }

  async status(id: string): Promise<StreamStatus> {
    this.computers.get(id);
    const desktop = this.computers.desktop(id);
    if (desktop?.alive && this.computers.get(id).status === 'running') {
      const r = await this.computers.guest(id, 'stream_status', {}, STATUS_TIMEOUT_MS);
      if (!r.ok) throw unreachable(r.error);
      const { ok: _ok, ...status } = r;
      if (status.status !== 'streaming') this.forget(id);
      if (status.status !== 'idle') return status;
    }
    return this.ended.get(id) ?? { status: 'idle' };
  }

  /** Nothing streams afterwards; stopping what does not stream is fine too. */
  async stop(id: string): Promise<{ success: true }> {
    this.computers.get(id);
    this.ended.delete(id);
    const desktop = this.computers.desktop(id);
    if (desktop?.alive && this.computers.get(id).status === 'running') {
      const r = await this.computers.guest(id, 'stream_stop', {}, STATUS_TIMEOUT_MS);
      if (!r.ok) throw unreachable(r.error);
    }
    this.forget(id);
    return { success: true };
  }

  close(): void {
    clearInterval(this.ticker);
  }

  /** While it streams the computer counts as watched (no auto-stop), and its end is noted. */
  private remember(id: string, desktop: Desktop, s: Omit<Started, 'desktop'>): void {
    this.forget(id);
    this.started.set(id, { desktop, ...s });
    this.computers.viewerOpened(id);
    desktop.once('exit', (reason: string | null) => {
      if (this.started.get(id)?.desktop !== desktop) return;
      this.ended.set(id, {
        status: 'terminated',
        connection_name: s.connection_name,
        start_time: s.start_time,
        end_time: new Date().toISOString(),
        reason: reason ? `the computer stopped: ${reason}` : 'the computer stopped',
      });
      this.forget(id);
    });
  }

  private forget(id: string): void {
    if (!this.started.delete(id)) return;
    this.computers.viewerClosed(id);
  }

  /** Streams that gave up inside their computer (the server stayed away) stop holding it awake. */
  private async watch(): Promise<void> {
    for (const id of [...this.started.keys()]) {
      try {
        await this.status(id);
      } catch (e) {
        log.debug(`stream status of ${id}: ${(e as Error).message}`);
      }
    }
  }
}

/** A computer's 127.0.0.1 is its own: a server on the host's loopback is out of its reach by design. */
function loopbackHint(serverUrl: string): string {
  let host: string;
  try {
    host = new URL(serverUrl.replace(/^rtmps?:/i, 'http:')).hostname;
  } catch {
    return '';
  }
  return /^(localhost|127\.|\[?::1\]?$)/i.test(host) ? " (that address is the computer's own loopback; a server on the host's loopback is not reachable from a computer)" : '';
}
