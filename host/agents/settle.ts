/**
 * The screenshot after an action, taken once the screen is still, as early as that is known.
 *
 * X DAMAGE tells us when something is drawn (host/x11/damage.ts). Two cases:
 * - The screen drew in answer to the action (a typed letter echoed, a button pressed in): once
 *   drawing has started, a gap of `afterDrawMs` with nothing drawn (three frames at 60 Hz) means
 *   the program has finished its redraw.
 * - Nothing drew at all: the program may still be working on the action (a click that opens a
 *   window), so it gets `noDrawMs` from the action's end to start drawing.
 * Either way, no longer than `maxMs` after the action.
 *
 * The screenshot is taken speculatively before the quiet window ends (as long before as a
 * screenshot takes, capture and PNG encoding), and kept if nothing was drawn from the moment it
 * began to the end of the window; else it is taken again. So its cost overlaps the wait instead
 * of following it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DamageWatch } from '../x11/damage.js';

export interface SettleRule {
  afterDrawMs: number;
  noDrawMs: number;
  maxMs: number;
  /** Take the screenshot during the quiet window (false: after it, as before). */
  speculative: boolean;
}

export const SETTLE: SettleRule = { afterDrawMs: 50, noDrawMs: 100, maxMs: 2000, speculative: true };
/** The rule before this one (a fixed 100 ms of quiet, then the screenshot); the bench measures both. */
export const SETTLE_FIXED_WINDOW: SettleRule = { afterDrawMs: 100, noDrawMs: 100, maxMs: 2000, speculative: false };

/** Where an action began (drawing counted from here) and ended (the quiet counted from here). */
export interface ActionMark {
  draws: number;
  end: number;
}

export interface Settled<T> {
  shot: T;
  /** False: the screen was still drawing at maxMs (an animation, a video); the shot is as it was then. */
  settled: boolean;
}

/** Before an action: every drawing until now is read, so what follows is the action's. */
export async function markStart(watch: DamageWatch): Promise<number> {
  await watch.sync();
  return watch.draws;
}

/** How much longer the screen must stay quiet to count as still (0: it is). */
export function quietLeft(watch: DamageWatch, mark: ActionMark, rule: SettleRule, now: number): number {
  const drew = watch.draws !== mark.draws;
  const from = drew ? Math.max(watch.lastDamage, mark.end) : mark.end;
  return Math.max(0, from + (drew ? rule.afterDrawMs : rule.noDrawMs) - now);
}

/**
 * Waits for the screen to be still and answers `take()`'s screenshot of it. `lead` is how long a
 * screenshot is expected to take (updated by the caller from `took`).
 */
export async function settledShot<T>(watch: DamageWatch | null, mark: ActionMark, rule: SettleRule, take: () => Promise<T>, lead: number, took: (ms: number) => void): Promise<Settled<T>> {
  if (!watch) {
    // No DAMAGE on this server: a fixed delay, as long as the longest wait.
    await sleep(Math.max(0, mark.end + rule.maxMs - performance.now()));
    return { shot: await take(), settled: false };
  }
  const deadline = mark.end + rule.maxMs;
  const ahead = rule.speculative ? lead : 0;
  for (;;) {
    await watch.sync();
    const now = performance.now();
    if (now >= deadline) return { shot: await take(), settled: false };
    const left = quietLeft(watch, mark, rule, now);
    if (left > ahead) {
      await sleep(Math.min(left - ahead, deadline - now) + 1);
      continue;
    }
    const draws = watch.draws;
    const began = performance.now();
    const shot = await take();
    took(performance.now() - began);
    if (watch.draws !== draws) continue; // drawn while it was being taken
    const rest = quietLeft(watch, mark, rule, performance.now());
    if (rest > 0) await sleep(Math.min(rest, Math.max(0, deadline - performance.now())) + 1);
    await watch.sync();
    if (watch.draws === draws) return { shot, settled: true };
    // Drawn after it was taken, within the window: the screen was not still yet.
  }
}
