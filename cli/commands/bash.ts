/** `orgo bash <computer> -- <command>`: runs it in the computer, prints its output, exits with its code. */
import type { Ctx } from '../context.js';
import { UsageError } from '../fail.js';
import { printJson } from '../output.js';
import { findComputer, needRunning } from '../resolve.js';

export async function bash(ctx: Ctx, wanted: string, words: string[]): Promise<number> {
  const command = (words ?? []).join(' ').trim();
  if (!command) throw new UsageError('Say what to run: orgo bash COMPUTER -- COMMAND');
  const timeout = ctx.opts.timeout === undefined ? undefined : Number(ctx.opts.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout must be a number of seconds');
  const { client } = await ctx.connect();
  const c = await findComputer(client, wanted);
  needRunning(c);
  const r = await client.bash(c.id, command, timeout);
  if (ctx.out.json) printJson(r);
  else {
    process.stdout.write(r.output);
    if (r.timed_out) process.stderr.write(`\n(timed out after ${timeout ?? 'the server limit of'} s)\n`);
  }
  // A command cut off by the time limit exits as `timeout` does.
  return r.timed_out ? 124 : Math.min(255, Math.max(0, r.exit_code));
}
