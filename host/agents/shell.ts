/**
 * The bash and text editor tools, run inside the computer by its guest (through the computer's
 * action queue, as the API's bash is). bash is a live shell per thread (guest/shells.py): one
 * interactive bash kept running between the thread's commands, so `cd`, exported variables and
 * functions persist as in a terminal; `restart` ends it and the next command starts a new one.
 * A command that runs past its time is interrupted (Ctrl-C) and the shell goes on with its state.
 * The shell ends with the computer; the thread's next command then starts a new one, and says so.
 * The input and the words follow Anthropic's bash tool (bash_20250124) and its reference.
 */
import type { GuestOps, ShellRunAnswer } from '../runtime/guest-ops.js';
import type { Actions } from '../services/actions.js';
import type { Computers } from '../services/computers.js';
import type { ComputerRow } from '../store/computers.js';
import { ToolInputError, type ToolOutput } from './computer.js';

export const BASH_TIMEOUT_S = 120;
const MAX_OUTPUT = 30_000;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function clip(s: string): string {
  return s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT / 2)}\n[... ${s.length - MAX_OUTPUT} characters cut ...]\n${s.slice(-MAX_OUTPUT / 2)}` : s;
}

const HOW: Record<NonNullable<ShellRunAnswer['interrupted']>, string> = {
  'ctrl-c': 'it was interrupted (Ctrl-C); the shell is still running, with its working directory and variables',
  killed: 'it ignored Ctrl-C and was killed; the shell is still running, with its working directory and variables',
  ended: 'it could not be interrupted, so the shell was ended; the next command starts a new shell (working directory and variables are lost)',
};

export class ShellTools {
  /** A command has run in this thread's shell since the host started this run (or the last restart). */
  private used = false;

  constructor(
    private readonly computers: Computers,
    private readonly actions: Actions,
    private readonly row: ComputerRow,
    private readonly threadId: string,
    private readonly timeoutS = BASH_TIMEOUT_S,
  ) {}

  async bash(input: { command?: string; restart?: boolean }): Promise<ToolOutput> {
    if (input.restart) {
      const a = await this.guest('shell_close', { key: this.threadId }, 10);
      if (!a.ok) return { error: a.error };
      this.used = false;
      return { text: 'tool has been restarted.' };
    }
    if (typeof input.command !== 'string' || !input.command.trim()) throw new ToolInputError('no command provided.');
    const a = await this.guest('shell_run', { key: this.threadId, command: input.command, timeout: this.timeoutS }, this.timeoutS + 30);
    if (!a.ok) return { error: a.error };
    const notes: string[] = [];
    // The shell this run had used is gone (the computer restarted): the model should not count on its state.
    if (a.started && this.used) notes.push('[a new shell: the previous one had ended (the computer restarted), so its working directory and variables are gone]');
    this.used = true;
    const out = clip(a.output).replace(/\n$/, '');
    if (a.timed_out && a.interrupted === 'ended') this.used = false;
    if (a.timed_out) return { error: [out, ...notes, `timed out: the command had not returned in ${this.timeoutS} seconds; ${HOW[a.interrupted ?? 'ctrl-c']}.`].filter(Boolean).join('\n') };
    if (a.ended) {
      this.used = false;
      notes.push(`[the shell ${a.ended}; the next command starts a new one]`);
    } else if (a.exit_code !== 0) notes.push(`[exit code ${a.exit_code}]`);
    return { text: [out, ...notes].filter(Boolean).join('\n') || '(no output)' };
  }

  /** A cancelled run: Ctrl-C for its command still running, so the computer's queue is free soon. */
  async interrupt(): Promise<void> {
    // Not through the queue: the command being interrupted holds it.
    await this.computers.guest(this.row.id, 'shell_interrupt', { key: this.threadId }, 5000).catch(() => {});
  }

  /** The thread is gone: its shell too. */
  static async close(computers: Computers, computerId: string, threadId: string): Promise<void> {
    await computers.guest(computerId, 'shell_close', { key: threadId }, 5000).catch(() => {});
  }

  /** str_replace_based_edit_tool: view, create, str_replace, insert (and undo_edit, for the older versions). */
  async edit(input: Record<string, unknown>): Promise<ToolOutput> {
    const command = String(input.command ?? '');
    if (!['view', 'create', 'str_replace', 'insert', 'undo_edit'].includes(command)) throw new ToolInputError(`unknown command ${JSON.stringify(command)}`);
    if (typeof input.path !== 'string' || !input.path.startsWith('/')) throw new ToolInputError('path must be an absolute path');
    const a = await this.guest('exec', { code: EDITOR.replace('@ARGS@', b64(JSON.stringify(input))), timeout: 20 }, 20);
    if (!a.ok) return { error: String(a.error ?? 'the editor could not run') };
    const out = String(a.output ?? '');
    if (a.exit_code !== 0) return { error: out.trim().split('\n').pop() || 'failed' };
    return { text: clip(out) };
  }

  private guest<K extends 'shell_run' | 'shell_close' | 'exec'>(op: K, input: GuestOps[K]['input'], timeoutS: number) {
    return this.actions.run(this.row, () => this.computers.guest(this.row.id, op, input, timeoutS * 1000 + 10_000));
  }
}

/** Runs in the computer as the user. Errors end in one line on stderr-as-stdout and exit 1. */
const EDITOR = String.raw`
import base64, json, os, sys
a = json.loads(base64.b64decode("@ARGS@"))
cmd, path = a["command"], a["path"]
backup = path + ".orgo-undo"
def fail(msg):
    print(msg); sys.exit(1)
def numbered(text, start=1):
    return "\n".join(f"{i:6}\t{line}" for i, line in enumerate(text.split("\n"), start))
def read():
    try:
        with open(path, encoding="utf-8", errors="replace") as f: return f.read()
    except FileNotFoundError: fail(f"{path} does not exist")
    except IsADirectoryError: fail(f"{path} is a directory")
def write(text, keep=True):
    if keep and os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f, open(backup, "w", encoding="utf-8") as b: b.write(f.read())
    with open(path, "w", encoding="utf-8") as f: f.write(text)
if cmd == "view":
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            depth = root[len(path):].count(os.sep)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < 1 else []
            for n in sorted(dirs + files):
                if not n.startswith("."): print(os.path.join(root, n))
        sys.exit(0)
    text = read()
    r = a.get("view_range")
    if r:
        lines = text.split("\n")
        lo, hi = int(r[0]), int(r[1])
        if lo < 1 or lo > len(lines): fail(f"view_range starts outside the file (it has {len(lines)} lines)")
        hi = len(lines) if hi == -1 else min(hi, len(lines))
        print(numbered("\n".join(lines[lo - 1:hi]), lo))
    else:
        print(numbered(text))
elif cmd == "create":
    if "file_text" not in a: fail("create needs file_text")
    os.makedirs(os.path.dirname(path) or "/", exist_ok=True)
    write(a["file_text"], keep=False)
    print(f"Created {path}")
elif cmd == "str_replace":
    text = read()
    old = a.get("old_str")
    if not old: fail("str_replace needs old_str")
    n = text.count(old)
    if n == 0: fail(f"old_str does not appear in {path}")
    if n > 1: fail(f"old_str appears {n} times in {path}; give more context so it is unique")
    write(text.replace(old, a.get("new_str") or "", 1))
    print(f"Edited {path}")
elif cmd == "insert":
    text = read()
    lines = text.split("\n")
    at = int(a.get("insert_line", -1))
    if at < 0 or at > len(lines): fail(f"insert_line must be between 0 and {len(lines)}")
    new = a.get("insert_text", a.get("new_str"))
    if new is None: fail("insert needs insert_text")
    write("\n".join(lines[:at] + new.split("\n") + lines[at:]))
    print(f"Inserted at line {at} of {path}")
elif cmd == "undo_edit":
    if not os.path.exists(backup): fail(f"no edit of {path} to undo")
    os.replace(backup, path)
    print(f"Undid the last edit of {path}")
`;
