/**
 * `orgo ssh`: the computer's terminal websocket in this terminal. Raw mode, so every key goes
 * to the computer; the window's size follows along; see ssh-keys.ts for how to disconnect.
 */
import WebSocket from 'ws';
import { CLOSE, channelUrl, terminalServerMessage } from '../../shared/api/channels.js';
import type { Ctx } from '../context.js';
import { CliError } from '../fail.js';
import { note } from '../output.js';
import { findComputer, needRunning } from '../resolve.js';
import { EscapeReader } from '../ssh-keys.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function ssh(ctx: Ctx, wanted: string): Promise<number> {
  const { client, key } = await ctx.connect();
  const c = await findComputer(client, wanted);
  needRunning(c);
  const out = process.stdout;
  const size = () => ({ cols: out.columns || 80, rows: out.rows || 24 });
  const ws = new WebSocket(channelUrl(c.connection_url, 'terminal', size()), { headers: { authorization: `Bearer ${key}` } });
  const stdin = process.stdin;
  const raw = !!stdin.isTTY;
  const keys = new EscapeReader();
  let code = 0;
  let why = '';
  let ended = false;

  const send = (m: unknown) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));
  const onKeys = (buf: Buffer) => {
    const k = raw ? keys.feed(buf.toString('utf8')) : { send: buf.toString('utf8'), disconnect: false };
    if (k.send) send({ type: 'input', data: k.send });
    if (k.disconnect) {
      why = `Disconnected from ${c.name}.`;
      ws.close(1000);
    }
  };
  const onResize = () => send({ type: 'resize', ...size() });

  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      // As ssh says its escape character: someone in a full-screen program needs to know the way out.
      if (raw) note(`Connected to ${c.name}. To leave: ~. at the start of a line, or Ctrl+C twice quickly.`);
      if (raw) stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', onKeys);
      // Without a terminal, the end of what was piped in ends the shell too.
      if (!raw) stdin.once('end', () => send({ type: 'input', data: '\x04' }));
      out.on('resize', onResize);
      if (ctx.opts.cwd) send({ type: 'input', data: ` cd -- ${quote(String(ctx.opts.cwd))} && clear\r` });
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => reject(new CliError(`The terminal of ${c.name} refused the connection (HTTP ${res.statusCode})`)));
    ws.once('error', (e) => reject(e));
  });

  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      let m;
      try {
        m = terminalServerMessage.parse(JSON.parse(String(data)));
      } catch {
        return;
      }
      if (m.type === 'output') out.write(m.data);
      else if (m.type === 'exit') code = m.code;
      else if (m.type === 'error') why = `The terminal said: ${m.message}`;
    });
    ws.once('close', (closeCode, reason) => {
      if (!why && closeCode === CLOSE.notRunning) why = `${c.name} stopped.`;
      if (!why && closeCode === CLOSE.unauthorized) why = `The terminal refused the key (${reason || 'unauthorized'}).`;
      if (closeCode !== 1000 && closeCode !== CLOSE.normal && !why) why = `Connection to ${c.name} closed (${closeCode}${reason.length ? `: ${reason}` : ''}).`;
      if (closeCode !== 1000 && code === 0) code = 1;
      ended = true;
      resolve();
    });
  });
  if (raw) stdin.setRawMode(false);
  stdin.off('data', onKeys);
  stdin.pause();
  out.off('resize', onResize);
  if (ended && why) note(`\r\n${why}`);
  else if (ended) note(`\r\nConnection to ${c.name} closed.`);
  return code;
}
