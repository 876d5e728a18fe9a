/**
 * The VNC channel (/ws/websockify and its alias /websockify): RFB bytes both ways between the
 * viewer and Xvnc's root-only unix socket. A viewer that came with a token or an API key does VNC
 * authentication with Xvnc itself, as ever; one that came with neither (Orgo's embed, plain
 * noVNC) meets the host's RFB gate first (rfb-gate.ts), and is spliced through only once in.
 * Either way, the viewer's messages are read one by one (rfb-client-filter.ts) so that a remote
 * resize stays within the sizes the API serves.
 */
import { connect, type Socket } from 'node:net';
import type { ChannelContext } from './context.js';
import { logger } from '../../../shared/node/log.js';
import { PacedSender } from '../../../shared/node/ws-flow.js';
import { ByteQueue, passGate, RfbGateError } from './rfb-gate.js';
import { RfbClientFilter } from './rfb-client-filter.js';

const log = logger('vnc');

export async function vncChannel(ctx: ChannelContext): Promise<void> {
  const { ws, paths, onEnd, row } = ctx;
  let rfb: Socket | undefined;
  onEnd(() => rfb?.destroy());
  let early: Buffer = Buffer.alloc(0);
  let pending: Buffer = Buffer.alloc(0);
  if (ctx.rfbGate) {
    const viewer = new ByteQueue();
    const desktopQueue = new ByteQueue();
    const onMessage = (d: Buffer) => viewer.push(d);
    ws.on('message', onMessage);
    ws.once('close', () => viewer.end('the viewer left'));
    try {
      early = await passGate(
        ws,
        viewer,
        {
          sock: () => {
            rfb = connect(paths.vncSocket);
            rfb.on('data', desktopQueue.push);
            rfb.on('close', () => desktopQueue.end('the desktop closed the connection'));
            rfb.on('error', (e) => desktopQueue.end(`the desktop: ${e.message}`));
            return rfb;
          },
          queue: desktopQueue,
        },
        { computerId: row.id, password: row.vnc_password, address: ctx.rfbGate.address },
        ctx.rfbGate.limits,
      );
      pending = desktopQueue.rest();
    } catch (e) {
      if (!(e instanceof RfbGateError)) throw e;
      rfb?.destroy();
      // Let the failure's reason reach the viewer before the socket goes.
      if (ws.readyState === ws.OPEN) setTimeout(() => ws.close(1000), 100);
      return;
    } finally {
      ws.off('message', onMessage);
      rfb?.removeAllListeners('data').removeAllListeners('close').removeAllListeners('error');
    }
  }
  // Past the gate the handshake is done: the filter starts at the viewer's first message.
  splice(ctx, rfb ?? connect(paths.vncSocket), early, pending, new RfbClientFilter({ afterHandshake: !!ctx.rfbGate }));
}

/** `early`: what the viewer sent past the gate's handshake; `pending`: what the desktop did. */
function splice({ ws, onEnd, row }: ChannelContext, rfb: Socket, early: Buffer, pending: Buffer, filter: RfbClientFilter): void {
  onEnd(() => rfb.destroy());
  const close = () => {
    rfb.destroy();
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  const toViewer = new PacedSender(ws, rfb);
  rfb.on('data', (chunk) => toViewer.send(chunk, true));
  // What the viewer sends goes through the filter: a resize beyond the API's sizes is brought within them.
  const fromViewer = (data: Buffer) => {
    const r = filter.feed(data);
    for (const msg of r.pass) rfb.write(msg);
    for (const c of r.clamped) log.warn(`computer ${row.id}: a viewer asked for ${c.asked}; resized to ${c.given} (320x200 to 7680x4320)`);
    if (r.error) {
      log.warn(`computer ${row.id}: closing a VNC connection: ${r.error}`);
      close();
    }
  };
  ws.on('message', fromViewer);
  if (early.length) fromViewer(early);
  if (pending.length) toViewer.send(pending, true);
  rfb.on('close', close);
  rfb.on('error', close);
}
