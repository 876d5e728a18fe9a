/**
 * Whether the active profile's host answers, as the computers feed learns it from each refresh:
 * when it stopped answering, why, whether the app is bringing the built-in host back, and a short
 * history for the activity feed. A host that answers with an error (401, 500) is up; only "no
 * answer" (refused, reset, timed out, a proxy's 502/503/504) counts as down.
 */
import { OrgoApiError } from '../shared/api/client.js';
import type { HostDownView, HostEvent } from '../shared/ipc/types.js';
import { describeError } from './errors.js';

const KEEP = 20;
const GATEWAY = new Set([502, 503, 504]);

/** The words for a failure that means nobody answered, or null for any other failure. */
export function unreachable(e: unknown): string | null {
  if (e instanceof OrgoApiError) {
    // The host's own 503s (a desktop not reachable, shutting down) carry a code: the host answered.
    return GATEWAY.has(e.status) && !e.code ? `its address answers ${e.status} (${e.message})` : null;
  }
  const d = describeError(e);
  if (d.code === 'timeout') return 'a request got no answer in time';
  return d.code === 'unreachable' ? d.message.replace(/^Could not reach the server: /, '') : null;
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}

function lasted(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export class HostHealth {
  down: HostDownView | null = null;
  events: HostEvent[] = [];

  /** A refresh reached the host. Answers true when that ends an outage. */
  answered(now = Date.now()): boolean {
    const was = this.down;
    if (!was) return false;
    this.down = null;
    const who = was.builtIn ? 'The built-in host' : 'The host';
    this.note({ at: now, kind: 'back', text: `${who} answers again (it did not answer for ${lasted(now - was.since)}); its computers are as the list shows` });
    return true;
  }

  /** A refresh got no answer. Answers true when that starts an outage. */
  noAnswer(why: string, builtIn: boolean, url: string, now = Date.now()): boolean {
    if (this.down) {
      this.down = { ...this.down, message: why };
      return false;
    }
    this.down = { since: now, message: why, builtIn, restarting: false, url };
    this.note({ at: now, kind: 'down', text: `${builtIn ? 'The built-in host' : `The host at ${url}`} stopped answering at ${clock(now)}: ${why}` });
    return true;
  }

  restarting(on: boolean): void {
    if (this.down) this.down = { ...this.down, restarting: on };
  }

  restarted(now = Date.now()): void {
    this.note({ at: now, kind: 'restarted', text: `Orgo Desktop restarted the built-in host at ${clock(now)}; its computers start again` });
  }

  restartFailed(why: string, now = Date.now()): void {
    if (this.down) this.down = { ...this.down, restarting: false, message: why };
    this.note({ at: now, kind: 'restart_failed', text: `The built-in host could not be restarted: ${why}` });
  }

  reset(): void {
    this.down = null;
    this.events = [];
  }

  private note(e: HostEvent): void {
    this.events = [...this.events, e].slice(-KEEP);
  }
}
