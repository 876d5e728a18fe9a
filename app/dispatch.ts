/**
 * The one door every IPC call goes through, whatever the transport: known channel, validated
 * input (unknown fields stripped), the handler, and an answer that is either the value or an
 * error in words. Nothing thrown inside reaches the transport raw.
 */
import { CHANNELS, type Channel, type IpcResult } from '../shared/ipc/channels.js';
import { parseInput } from '../shared/ipc/schemas.js';
import { describeError } from './errors.js';
import type { ClientContext, Handlers } from './handlers.js';
import { logger } from './log.js';

const log = logger('ipc');
const known = new Set<string>(CHANNELS);

export async function dispatch(handlers: Handlers, channel: unknown, input: unknown, ctx: ClientContext): Promise<IpcResult<unknown>> {
  if (typeof channel !== 'string' || !known.has(channel)) {
    log.warn(`refused unknown channel ${JSON.stringify(channel)?.slice(0, 80)} from ${ctx.id}`);
    return { ok: false, error: { message: 'Unknown call', code: 'unknown_channel' } };
  }
  const c = channel as Channel;
  let parsed: unknown;
  try {
    parsed = parseInput(c, input);
  } catch (e) {
    return { ok: false, error: { message: (e as Error).message, code: 'invalid_input' } };
  }
  try {
    const handler = handlers[c] as (i: unknown, ctx: ClientContext) => Promise<unknown>;
    return { ok: true, value: await handler(parsed, ctx) };
  } catch (e) {
    const error = describeError(e);
    log.debug(`${c} failed: ${error.message}`);
    return { ok: false, error };
  }
}
