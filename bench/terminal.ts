/** A terminal websocket spoken to as the benchmarks need: wait for output, time one echo. */
import WebSocket from 'ws';

export interface Term {
  ws: WebSocket;
  out: string;
  wake?: () => void;
}

export async function terminalSocket(url: string): Promise<Term> {
  const ws = new WebSocket(url);
  const t: Term = { ws, out: '' };
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { type: string; data?: string };
    if (m.type === 'output') t.out += m.data;
    t.wake?.();
  });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  await until(t, () => /[$#] $/.test(t.out));
  return t;
}

export function until(t: Term, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`terminal did not answer; last output ${JSON.stringify(t.out.slice(-80))}`)), 10_000);
    const look = () => {
      if (check()) {
        clearTimeout(timer);
        t.wake = undefined;
        resolve();
      } else t.wake = look;
    };
    look();
  });
}

/** One keystroke: sent, and back as the shell's (readline's) echo. */
export async function echo(t: Term, key: string): Promise<number> {
  const from = t.out.length;
  const start = performance.now();
  t.ws.send(JSON.stringify({ type: 'input', data: key }));
  await until(t, () => t.out.indexOf(key, from) >= 0);
  return performance.now() - start;
}

export async function clearLine(t: Term): Promise<void> {
  const from = t.out.length;
  t.ws.send(JSON.stringify({ type: 'input', data: '\x15' })); // Ctrl-U: the line so far goes
  await new Promise((r) => setTimeout(r, 50));
  if (t.out.length === from) await new Promise((r) => setTimeout(r, 100));
}
