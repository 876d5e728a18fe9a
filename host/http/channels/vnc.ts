/**
 * The VNC channel (/ws/websockify and its alias /websockify): RFB bytes both ways between the
 * viewer and Xvnc's root-only unix socket. The viewer then does VNC authentication itself. The
 * viewer's messages are read one by one (rfb-client-filter.ts) so that a remote resize stays
 * within the sizes the API serves.
 */
import { connect } from 'node:net';
import type { ChannelContext } from './context.js';
import { logger } from '../../../shared/node/log.js';
import { PacedSender } from '../../../shared/node/ws-flow.js';
import { RfbClientFilter } from './rfb-client-filter.js';

const log = logger('vnc');

export function vncChannel({ ws, paths, row, onEnd }: ChannelContext): void {
  const rfb = connect(paths.vncSocket);
  const toViewer = new PacedSender(ws, rfb);
  rfb.on('data', (chunk) => toViewer.send(chunk, true));
  // What the viewer sends goes through the filter: a resize beyond the API's sizes is brought within them.
  const filter = new RfbClientFilter();
  ws.on('message', (data: Buffer) => {
    const r = filter.feed(data);
    for (const msg of r.pass) rfb.write(msg);
    for (const c of r.clamped) log.warn(`computer ${row.id}: a viewer asked for ${c.asked}; resized to ${c.given} (320x200 to 7680x4320)`);
    if (r.error) {
      log.warn(`computer ${row.id}: closing a VNC connection: ${r.error}`);
      close();
    }
  });
  const close = () => {
    rfb.destroy();
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  rfb.on('close', close);
  rfb.on('error', close);
  onEnd(() => rfb.destroy());
}
