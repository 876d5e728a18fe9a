/**
 * Memory pages shared across computers by the kernel (KSM, same-page merging).
 *
 * Idle desktops hold many identical pages that no fork can share: every X server's framebuffer
 * shows the same wallpaper and panel, every openbox, tint2 and guest holds the same heap after the
 * same start. Each computer's processes opt in (the guest's prctl PR_SET_MEMORY_MERGE, which
 * children and exec keep: guest/zygote.py, guest/guest.py) and the kernel's ksmd merges what is
 * equal, copy-on-write. Measured on 20 idle computers: PSS 25.3 → 14.0 MB each once merged.
 *
 * ksmd's settings are the machine's, not this host's: this turns KSM on when it is off (it only
 * ever touches pages of processes that opted in) and sets how fast it scans, in proportion to the
 * computers running here, so that each costs about the same small share of a core (measured:
 * 2000 pages a second cost 1.7 % of a core on this loaded 2-core machine, so 50 pages a second
 * each is about 0.04 %, a full pass over a computer's ~7,700 pages every 150 s; a few computers
 * get 1000 pages a second between them; never more than ~a tenth of a core, so past ~250
 * computers a pass takes longer) and with none running ksmd finds nothing to scan. Where the
 * files cannot be written (no root, no KSM in the kernel, a read-only /sys) nothing is shared and
 * nothing else changes.
 *
 * What sharing costs in security: a process could time a write to learn whether another
 * computer holds a page with the same contents (the known side channel of page deduplication).
 * So it is off unless the host's owner asks for it (ORGO_SHARE_PAGES=1): worth it where every
 * computer is the same person's and density matters, never where computers must not learn
 * anything of each other.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { logger } from '../../shared/node/log.js';

const log = logger('pages');

/** How often ksmd wakes (ms) and how many pages each computer adds to one wake. */
const SLEEP_MS = 200;
const PAGES_PER_COMPUTER_PER_S = 50;
/** A few computers still merge within a minute: 1000 pages a second cost ~0.2 % of a core. */
const MIN_PAGES_PER_S = 1000;
/** ksmd's ceiling, about a tenth of a core (measured ~8 µs a page on this busy machine). */
const MAX_PAGES_PER_WAKE = 2_500;

export class PageSharing {
  private on = false;
  private lastPages = -1;

  constructor(private readonly root = '/sys/kernel/mm/ksm') {}

  /** Turns the kernel's merging on; false when it cannot (the computers then just do not share). */
  start(): boolean {
    try {
      const run = readFileSync(`${this.root}/run`, 'utf8').trim();
      // 2 is someone's order to unmerge everything: not ours to undo.
      if (run === '2') return false;
      if (run !== '1') writeFileSync(`${this.root}/run`, '1');
      writeFileSync(`${this.root}/sleep_millisecs`, String(SLEEP_MS));
      this.on = true;
    } catch (e) {
      log.info(`no shared pages across computers (KSM): ${(e as Error).message}`);
    }
    return this.on;
  }

  get enabled(): boolean {
    return this.on;
  }

  /** Scans in proportion to the computers running. */
  setComputers(count: number): void {
    if (!this.on) return;
    const perS = Math.max(MIN_PAGES_PER_S, count * PAGES_PER_COMPUTER_PER_S);
    const pages = Math.min(MAX_PAGES_PER_WAKE, Math.round((perS * SLEEP_MS) / 1000));
    if (pages === this.lastPages) return;
    try {
      writeFileSync(`${this.root}/pages_to_scan`, String(pages));
      this.lastPages = pages;
    } catch (e) {
      log.warn(`KSM pages_to_scan: ${(e as Error).message}`);
    }
  }
}
