/**
 * Exit codes and error words, the same for every command: 0 done; 1 the server (or the
 * network, or the computer) said no, with its message and code; 2 the command was used wrongly,
 * with that command's usage; 130 interrupted. Commands throw; run() turns the error into words.
 */
import { OrgoApiError } from '../shared/api/client.js';
import { describeError } from '../app/errors.js';
import { paint, type Out } from './output.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A failure with words for people and the exit code to leave with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Wrong use of a command (a missing flag, a bad value): exit 2 with the command's usage. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage, 'usage');
  }
}

/** `computer_not_found` -> `computer not found`. */
const words = (code: string) => code.replace(/_/g, ' ');

export interface Failure {
  message: string;
  code?: string;
  status?: number;
  exitCode: number;
}

/** What went wrong, naming the server when it could not be reached. */
export function explain(e: unknown, server?: string): Failure {
  if (e instanceof CliError) return { message: e.message, code: e.code, exitCode: e.exitCode };
  if (e instanceof OrgoApiError) {
    const d = describeError(e);
    return { message: d.message, code: e.code, status: e.status, exitCode: EXIT.failed };
  }
  const d = describeError(e);
  if (d.code === 'unreachable' || d.code === 'timeout') {
    return { message: `${d.message}${server ? ` (${server})` : ''}`, code: d.code, exitCode: EXIT.failed };
  }
  return { message: d.message, code: d.code, exitCode: EXIT.failed };
}

export function report(out: Out, f: Failure): void {
  if (out.json) {
    process.stdout.write(JSON.stringify({ error: { message: f.message, code: f.code ?? null, status: f.status ?? null } }) + '\n');
    return;
  }
  const detail = [f.code && !['usage', 'unreachable', 'timeout'].includes(f.code) ? words(f.code) : '', f.status ? `HTTP ${f.status}` : ''].filter(Boolean).join(', ');
  process.stderr.write(`${paint({ color: out.color && !!process.stderr.isTTY }, 'red', 'error:')} ${f.message}${detail ? ` (${detail})` : ''}\n`);
}
