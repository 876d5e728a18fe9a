import type { WebSocket } from 'ws';

const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

/**
 * Backpressure for a relay into a websocket: after a send, if the viewer has fallen behind,
 * stop reading the source until the socket's buffer drains. A slow viewer then slows the
 * source (a terminal's program blocks on its pty) instead of growing the host's memory.
 */
export function keepPace(ws: WebSocket, source: { pause(): void; resume(): void }): void {
  if (ws.bufferedAmount <= HIGH_WATER) return;
  source.pause();
  const check = setInterval(() => {
    if (ws.bufferedAmount < LOW_WATER || ws.readyState !== ws.OPEN) {
      clearInterval(check);
      source.resume();
    }
  }, 10);
}
