/**
 * The terminal channel (/ws/terminal?token=&cols=&rows=): a pty with the user's login shell in
 * the computer (guest/terminals.py), in Orgo's JSON messages. The pty's bytes are
 * decoded as one UTF-8 stream, so a character split across two reads arrives whole.
 */
import { CLOSE, terminalClientMessage, terminalQuery, type TerminalServerMessage } from '../../../shared/api/channels.js';
import { firstIssue } from '../../../shared/api/schemas.js';
import { GuestChannel } from '../../runtime/guest-channel.js';
import type { ChannelContext } from './context.js';
import { channelQuery } from './query.js';
import { PacedSender } from '../../../shared/node/ws-flow.js';

export async function terminalChannel({ ws, url, paths, desk, onEnd }: ChannelContext): Promise<void> {
  const send = (m: TerminalServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  const q = channelQuery(ws, url, terminalQuery);
  if (!q) return;
  // Input that arrives while the shell is starting is kept, in order.
  const early: string[] = [];
  const link: { pty?: GuestChannel } = {};
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    if (isBinary) {
      link.pty?.sendBytes(raw); // raw keystrokes, for clients that send bytes
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      send({ type: 'error', message: 'messages must be JSON objects' });
      return;
    }
    const m = terminalClientMessage.safeParse(parsed);
    if (!m.success) {
      send({ type: 'error', message: firstIssue(m.error) });
      return;
    }
    if (m.data.type === 'ping') send({ type: 'pong' });
    else if (link.pty) link.pty.sendJson(m.data);
    else early.push(JSON.stringify(m.data));
  });

  const ch = await GuestChannel.open(paths.channelSocket, { channel: 'terminal', cols: q.cols, rows: q.rows });
  if (ws.readyState !== ws.OPEN) {
    ch.close();
    return;
  }
  link.pty = ch;
  onEnd(() => ch.close());
  for (const m of early.splice(0)) ch.sendJson(JSON.parse(m));

  const decoder = new TextDecoder('utf-8');
  let exited = false;
  // Output is paced by the socket: a client that stops reading blocks the shell, not memory.
  const output = new PacedSender(ws, ch);
  ch.on('bytes', (b: Buffer) => {
    const data = decoder.decode(b, { stream: true });
    if (data) output.send(JSON.stringify({ type: 'output', data } satisfies TerminalServerMessage), false);
  });
  ch.on('json', (m: { type?: string; code?: number; message?: string }) => {
    if (m.type === 'exit') {
      const rest = decoder.decode();
      if (rest) send({ type: 'output', data: rest });
      exited = true;
      send({ type: 'exit', code: m.code ?? 0 });
      ws.close(CLOSE.normal, 'the shell exited');
    } else if (m.type === 'error') {
      send({ type: 'error', message: m.message ?? 'terminal error' });
    }
  });
  ch.on('close', () => {
    // When the computer stops, its guest's sockets close a moment before the router hears of
    // it and closes with 4409; anything else is a terminal lost.
    setTimeout(() => {
      if (exited || ws.readyState !== ws.OPEN) return;
      if (!desk.alive) return ws.close(CLOSE.notRunning, 'the computer stopped');
      send({ type: 'error', message: 'the terminal ended unexpectedly' });
      ws.close(1011, 'terminal lost');
    }, 250);
  });
}
