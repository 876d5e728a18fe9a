/**
 * The host's side of the guest's operation table (guest/ops.py): for each op, what the host sends
 * and what the guest answers. The wire format is guest/PROTOCOL.md; tests/unit/guest-contract.test.ts
 * fails when this list and the guest's table differ.
 */

import type { StreamStatus } from '../../shared/api/manage.js';

/** What a command run in the computer answers (bash, exec). */
export interface RunAnswer {
  output: string;
  exit_code: number;
  timed_out: boolean;
  duration_ms: number;
}

/** A command in an agent's live shell (guest/shells.py). */
export interface ShellRunAnswer {
  /** stdout and stderr together; a very long one keeps its start and end, with the cut in words. */
  output: string;
  exit_code: number | null;
  /** It outlived `timeout` and was stopped: by Ctrl-C, by killing its job, or the shell `ended` with it. */
  timed_out: boolean;
  interrupted?: 'ctrl-c' | 'killed' | 'ended';
  /** The shell itself ended during the command (`exit`, a kill), in words; the next command starts a new one. */
  ended: string | null;
  /** This command started the key's shell (its first, or the last one had ended or was closed). */
  started: boolean;
  duration_ms: number;
}

/** A stream as the guest tells it (the API's StreamStatus, shared/api/manage.ts). */
export type GuestStreamStatus = StreamStatus;

export interface GuestOps {
  /** The guest's own table of ops. */
  ops: { input: Record<string, never>; answer: { ops: string[] } };
  /** A login shell as the desktop's user, in its home; `timeout` in seconds. */
  bash: { input: { command: string; timeout: number }; answer: RunAnswer };
  /** Python code as the desktop's user; `timeout` in seconds. */
  exec: { input: { code: string; timeout: number }; answer: RunAnswer };
  /**
   * An agent thread's live shell, keyed by `key`: started on first use, kept between commands (cwd,
   * variables, functions), ended by `shell_close` or the computer's end. `timeout` in seconds.
   */
  shell_run: { input: { key: string; command: string; timeout: number }; answer: ShellRunAnswer };
  shell_close: { input: { key: string }; answer: { closed: boolean } };
  /** Ctrl-C for the key's command running now (a cancelled run); `interrupted`: one was running. */
  shell_interrupt: { input: { key: string }; answer: { interrupted: boolean } };
  clipboard_get: { input: Record<string, never>; answer: { text: string } };
  clipboard_set: { input: { text: string }; answer: Record<string, never> };
  /**
   * RTMP streaming (guest/stream.py): ffmpeg in the computer publishes its screen and sound to
   * `url` (the server URL with the stream key). Answers once frames reach the server (`started`),
   * or why not; `busy` when a stream is already running.
   */
  stream_start: { input: { url: string; connection_name: string; fps: number }; answer: GuestStreamStatus & { started: boolean; busy?: boolean } };
  /** `stopped`: a stream was running. */
  stream_stop: { input: Record<string, never>; answer: { stopped: boolean } };
  stream_status: { input: Record<string, never>; answer: GuestStreamStatus };
  /** Answers, then ends the computer (the host's stop path closes stdin instead). */
  stop: { input: Record<string, never>; answer: Record<string, never> };
}

export type GuestOp = keyof GuestOps;

export const GUEST_OPS = ['bash', 'clipboard_get', 'clipboard_set', 'exec', 'ops', 'shell_close', 'shell_interrupt', 'shell_run', 'stop', 'stream_start', 'stream_status', 'stream_stop'] as const satisfies readonly GuestOp[];
// Every op of the map is in the list (the list is what the contract test compares).
const _complete: Exclude<GuestOp, (typeof GUEST_OPS)[number]> extends never ? true : never = true;
void _complete;

/** An answer: the op's fields with `ok: true`, or the guest's words for why it could not. */
export type GuestResult<K extends GuestOp> = ({ ok: true } & GuestOps[K]['answer']) | { ok: false; error: string };
