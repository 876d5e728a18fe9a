/**
 * The VNC channel (/ws/websockify and its alias /websockify): RFB bytes both ways between the
 * viewer and Xvnc's root-only unix socket. The viewer then does VNC authentication itself.
 */
import { connect } from 'node:net';
import type { ChannelContext } from './context.js';
import { keepPace } from './flow.js';

export function vncChannel({ ws, paths, onEnd }: ChannelContext): void {
  const rfb = connect(paths.vncSocket);
  rfb.on('data', (chunk) => {
    ws.send(chunk, { binary: true });
    keepPace(ws, rfb);
  });
  ws.on('message', (data: Buffer) => rfb.write(data));
  const close = () => {
    rfb.destroy();
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  rfb.on('close', close);
  rfb.on('error', close);
  onEnd(() => rfb.destroy());
}
