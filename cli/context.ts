/** What every command's action gets: how to print, and how to reach the chosen profile's server. */
import type { Command } from 'commander';
import type { Connected } from './connect.js';
import type { Out } from './output.js';

export interface Ctx {
  out: Out;
  /** --profile, when given. */
  profile: string | undefined;
  /** The command's own options (global ones included). */
  opts: Record<string, unknown>;
  cmd: Command;
  connect(): Promise<Connected>;
  /** Set once connected: names the server in "could not reach" errors. */
  server?: string;
}

/** A command's action: answers the exit code (0 when it returns nothing). */
export type Action = (ctx: Ctx, ...args: never[]) => Promise<number | void>;
