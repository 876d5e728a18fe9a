/**
 * What the keyboard means in `orgo ssh`, as OpenSSH has it: `~.` at the start of a line
 * disconnects, `~~` sends one `~`; and Ctrl+C twice within 800 ms disconnects while a single
 * Ctrl+C goes to the computer (so a running program there can still be interrupted).
 */
export const DOUBLE_CTRL_C_MS = 800;

export interface KeyResult {
  /** What to send to the computer. */
  send: string;
  disconnect: boolean;
}

export class EscapeReader {
  private lineStart = true;
  private pendingTilde = false;
  private lastCtrlC = -Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  feed(input: string): KeyResult {
    let send = '';
    for (const ch of input) {
      if (this.pendingTilde) {
        this.pendingTilde = false;
        if (ch === '.') return { send, disconnect: true };
        send += ch === '~' ? '~' : `~${ch}`;
        this.lineStart = ch === '\r' || ch === '\n';
        continue;
      }
      if (ch === '\x03') {
        const t = this.now();
        if (t - this.lastCtrlC <= DOUBLE_CTRL_C_MS) return { send, disconnect: true };
        this.lastCtrlC = t;
        send += ch;
        this.lineStart = true;
        continue;
      }
      if (ch === '~' && this.lineStart) {
        this.pendingTilde = true;
        continue;
      }
      send += ch;
      this.lineStart = ch === '\r' || ch === '\n';
    }
    return { send, disconnect: false };
  }
}
