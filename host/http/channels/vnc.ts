/**
 * The VNC channel (/ws/websockify and its alias /websockify): RFB bytes both ways between the
 * viewer and Xvnc's root-only unix socket. The viewer then does VNC authentication itself.
 */
import { connect } from 'node:net';
import type { ChannelContext } from './context.js';
import { PacedSender } from '../../../shared/node/ws-flow.js';

export function vncChannel({ ws, paths, onEnd }: ChannelContext): void {
  const rfb = connect(paths.vncSocket);
  const toViewer = new PacedSender(ws, rfb);
  rfb.on('data', (chunk) => toViewer.send(chunk, true));
  ws.on('message', (data: Buffer) => rfb.write(data));
  const close = () => {
    rfb.destroy();
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  rfb.on('close', close);
  rfb.on('error', close);
  onEnd(() => rfb.destroy());
}
