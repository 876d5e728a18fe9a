/**
 * `orgo agent`: a conversation with an agent that uses a computer. Each line is a task for the
 * agent (or a /command); the run streams its text and steps; Esc (or Ctrl+C) stops the run in
 * flight, on the server too; Ctrl+D or /exit leaves. The session is saved after every turn.
 */
import { writeFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline/promises';
import type { Connected } from '../connect.js';
import type { Ctx } from '../context.js';
import { explain } from '../fail.js';
import { paint } from '../output.js';
import { findComputer } from '../resolve.js';
import { compact } from './compact.js';
import { listSessions, loadSession, saveSession, totalUsage, type Session } from './sessions.js';
import { printer, turn } from './turn.js';

/** 8497 → "8,497": token counts are read at a glance. */
const count = (v: number) => v.toLocaleString('en');

const HELP = `Type a task for the agent, or:
  /help                this list
  /computer [name]     show or change the computer (a new conversation on the server)
  /model [name]        show or change the model
  /sessions            saved sessions
  /resume <id>         continue another saved session
  /compact             have the model summarise this conversation; continue from the summary on a fresh thread
  /usage               tokens used in this session
  /screenshot [file]   save the computer's screen as PNG
  /save [file]         write this conversation to a Markdown file
  /exit                leave (or Ctrl+D)
While the agent works: Esc or Ctrl+C stops it.`;

/**
 * Esc (a keypress readline decodes, so arrow keys are not mistaken for it) or Ctrl+C (readline's
 * SIGINT) while a run is in flight stops it; answers a function that stops listening.
 */
function watchForStop(rl: Interface | null, stop: () => void): () => void {
  if (!rl) return () => {};
  const onKey = (_s: string, key: { name?: string } | undefined) => key?.name === 'escape' && stop();
  process.stdin.on('keypress', onKey);
  rl.on('SIGINT', stop);
  return () => {
    process.stdin.off('keypress', onKey);
    rl.off('SIGINT', stop);
  };
}

function transcript(s: Session): string {
  const lines = [`# Agent session ${s.id} on ${s.computer.name}`, '', `Model: ${s.model ?? "the server's default"}; started ${s.created_at}.`, ''];
  for (const t of s.turns) {
    lines.push(`## You`, '', t.prompt, '', `## Agent`, '');
    for (const c of t.tool_calls) lines.push(`- \`${c.name}\` ${JSON.stringify(c.input)}`);
    if (t.tool_calls.length) lines.push('');
    lines.push(t.text || (t.stopped ? `(${t.stopped})` : '(no text)'), '');
  }
  return lines.join('\n');
}

export async function chat(ctx: Ctx, c: Connected, start: Session, maxSteps: number | undefined): Promise<number> {
  let s = start;
  const tty = !!process.stdin.isTTY;
  const dim = (x: string) => paint({ color: ctx.out.color }, 'dim', x);
  process.stdout.write(`${paint(ctx.out, 'bold', `Agent on ${s.computer.name}`)} ${dim(`(${s.model ?? "the server's default model"}; session ${s.id})`)}\n${dim('/help for commands; Esc stops a run; Ctrl+D leaves.')}\n`);
  // One interface for the whole conversation: on a terminal it edits lines and keeps history;
  // from a pipe it reads one task per line.
  const rl = createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty });
  let closed = false;
  rl.once('close', () => (closed = true));
  const lines = tty ? null : rl[Symbol.asyncIterator]();
  const idleSigint = () => process.stdout.write(`\n${dim('(Ctrl+D or /exit leaves)')}\n`);
  if (tty) rl.on('SIGINT', idleSigint);
  for (;;) {
    let line: string | null;
    if (tty) {
      line = closed
        ? null
        : await new Promise<string | null>((resolve) => {
            const onClose = () => resolve(null);
            rl.once('close', onClose);
            rl.question(paint(ctx.out, 'cyan', '› ')).then(
              (a) => (rl.off('close', onClose), resolve(a)),
              () => resolve(null),
            );
          });
    } else {
      const n = await lines!.next();
      line = n.done ? null : n.value;
    }
    if (line === null) break;
    line = line.trim();
    if (!line) continue;
    if (line.startsWith('/')) {
      const [cmd, ...rest] = line.slice(1).split(/\s+/);
      const arg = rest.join(' ');
      try {
        if (cmd === 'exit' || cmd === 'quit') break;
        else if (cmd === 'help') process.stdout.write(HELP + '\n');
        else if (cmd === 'computer') {
          if (arg) {
            const pc = await findComputer(c.client, arg);
            s.computer = { id: pc.id, name: pc.name };
            s.thread_id = null;
            saveSession(s);
          }
          process.stdout.write(`Computer: ${s.computer.name} (${s.computer.id})\n`);
        } else if (cmd === 'model') {
          if (arg) {
            s.model = arg;
            saveSession(s);
          }
          process.stdout.write(`Model: ${s.model ?? "the server's default"}\n`);
        } else if (cmd === 'sessions') {
          for (const x of listSessions().slice(0, 15)) process.stdout.write(`${x.id}  ${x.computer.name}  ${x.turns.length} turns  ${(x.turns[0]?.prompt ?? '').slice(0, 50)}\n`);
        } else if (cmd === 'resume') {
          const next = loadSession(arg || undefined);
          if (!next) process.stdout.write(`No session "${arg}".\n`);
          else {
            s = next;
            process.stdout.write(`Now in ${s.id} on ${s.computer.name} (${s.turns.length} turns).\n`);
          }
        } else if (cmd === 'compact') {
          process.stdout.write(dim('Asking the model for a summary…') + '\n');
          const abort = new AbortController();
          if (tty) rl.off('SIGINT', idleSigint);
          const unwatch = watchForStop(tty ? rl : null, () => abort.abort());
          try {
            const summary = await compact(c, s, { signal: abort.signal });
            process.stdout.write(`${summary}\n${dim('Compacted: the next task starts a fresh thread from this summary.')}\n`);
          } catch (e) {
            if (!abort.signal.aborted) throw e;
            process.stdout.write(`${dim('Stopped; the conversation was left as it was.')}\n`);
          } finally {
            unwatch();
            if (tty) rl.on('SIGINT', idleSigint);
          }
        } else if (cmd === 'usage') {
          const u = totalUsage(s);
          process.stdout.write(`Tokens: ${count(u.prompt_tokens)} in, ${count(u.completion_tokens)} out, ${count(u.total_tokens)} in all, over ${s.turns.length} turn${s.turns.length === 1 ? '' : 's'}.\n`);
        } else if (cmd === 'screenshot') {
          const png = await c.client.screenshotBytes(s.computer.id);
          const file = arg || `${s.computer.name}-${Date.now()}.png`;
          writeFileSync(file, png);
          process.stdout.write(`Saved ${file}.\n`);
        } else if (cmd === 'save') {
          const file = arg || `${s.id}.md`;
          writeFileSync(file, transcript(s));
          process.stdout.write(`Wrote ${file}.\n`);
        } else process.stdout.write(`No command /${cmd}. /help lists them.\n`);
      } catch (e) {
        process.stdout.write(`${explain(e).message}\n`);
      }
      continue;
    }
    const abort = new AbortController();
    if (tty) rl.off('SIGINT', idleSigint);
    const unwatch = watchForStop(tty ? rl : null, () => abort.abort());
    const r = await turn(c, s, line, { signal: abort.signal, maxSteps, on: printer(ctx.out) });
    unwatch();
    if (tty) rl.on('SIGINT', idleSigint);
    if (r.error) process.stdout.write(abort.signal.aborted ? `\n${dim('Stopped.')}\n` : `\n${paint(ctx.out, 'red', 'error:')} ${explain(r.error).message}\n`);
    else if (!r.turn.text.endsWith('\n')) process.stdout.write('\n');
  }
  rl.close();
  process.stdout.write(dim(`Session ${s.id} saved; continue it with: orgo resume ${s.id}`) + '\n');
  return 0;
}
