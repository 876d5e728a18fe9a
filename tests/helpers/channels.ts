/**
 * A test client for the terminal, events and audio websockets: keeps every message with its
 * arrival time, and waits for the one a test is after.
 */
import WebSocket from 'ws';
import { channelUrl, type ChannelName } from '../../shared/api/channels.js';
import type { Computer } from '../../shared/api/types.js';

export interface Received {
  at: number;
  json?: Record<string, unknown> & { type: string };
  binary?: Buffer;
}

export class ChannelClient {
  readonly received: Received[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private wake: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = performance.now();
      this.received.push(isBinary ? { at, binary: data } : { at, json: JSON.parse(data.toString('utf8')) });
      for (const w of this.wake.splice(0)) w();
    });
    ws.on('close', () => {
      for (const w of this.wake.splice(0)) w();
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  messages(type?: string): Array<Record<string, unknown> & { type: string }> {
    return this.received.flatMap((r) => (r.json && (!type || r.json.type === type) ? [r.json] : []));
  }

  frames(): Received[] {
    return this.received.filter((r) => r.binary);
  }

  /** Waits until `check` finds what it looks for in the messages so far. */
  async until<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'message'): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (performance.now() > deadline || this.ws.readyState === WebSocket.CLOSED) {
        const tail = this.messages().slice(-5).map((m) => JSON.stringify(m).slice(0, 200));
        throw new Error(`no ${what} within ${timeoutMs} ms (socket ${this.ws.readyState === WebSocket.CLOSED ? 'closed' : 'open'}); last: ${tail.join(' | ')}`);
      }
      await new Promise<void>((r) => {
        this.wake.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** Everything the terminal printed so far, as one string. */
  output(): string {
    return this.messages('output').map((m) => String(m.data)).join('');
  }

  close(): void {
    this.ws.close();
  }
}

export function openChannel(
  c: Pick<Computer, 'connection_url' | 'vnc_password'>,
  channel: ChannelName,
  params: Record<string, string | number | undefined> = {},
  headers: Record<string, string> = {},
): ChannelClient {
  return new ChannelClient(new WebSocket(channelUrl(c.connection_url, channel, { token: c.vnc_password, ...params }), { headers }));
}

/** Opens a channel and reports how it ended: a close code, or the HTTP status of a refused upgrade. */
export function refusal(url: string, headers: Record<string, string> = {}): Promise<{ code: number; httpStatus?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('close', (code) => resolve({ code }));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => resolve({ code: -1, httpStatus: res.statusCode }));
  });
}
