/**
 * Backpressure into a WebSocket, driven by the socket itself: each send's callback fires once its
 * frame is written out, so the bytes still queued are known without polling `bufferedAmount`.
 * Past the high mark the source is paused (a terminal's program then blocks on its pty, a
 * computer's VNC socket stops being read); below the low mark it resumes. A slow viewer slows the
 * source instead of growing memory.
 */
import type { WebSocket } from 'ws';

export interface Pausable {
  pause(): void;
  resume(): void;
}

const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

export class PacedSender {
  private queued = 0;
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly source: Pausable,
    private readonly high = HIGH_WATER,
    private readonly low = LOW_WATER,
  ) {}

  send(data: Buffer | string, binary = typeof data !== 'string'): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.queued += size;
    // The callback also runs (with an error) when the socket closes first, so nothing stays paused.
    this.ws.send(data, { binary }, () => {
      this.queued -= size;
      if (this.paused && this.queued <= this.low) {
        this.paused = false;
        this.source.resume();
      }
    });
    if (!this.paused && this.queued > this.high) {
      this.paused = true;
      this.source.pause();
    }
  }
}
