/**
 * Refusing a WebSocket upgrade: an HTTP answer written on the raw socket before any WebSocket
 * exists, then the socket closed. One writer for the host's desktop sockets, the app's loopback
 * gate and browser mode's launcher.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export function refuseUpgrade(socket: Duplex, status: number, text = ''): void {
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close', 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(text)}`];
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
}
