/**
 * The keysyms a computer's keyboard carries from the start, beyond the US keys: the accented
 * letters of the languages written with Latin letters (lower case plain, capital with Shift) and
 * common punctuation. Put on spare keycodes once the display is up, before applications start,
 * so typing them (by the API or a viewer's keys) never waits on an application to notice a
 * keymap change; the first `héllo` typed into a fresh Chromium arrives whole. CJK and the rest
 * are still borrowed as they come (Keymap.borrow); KEEP_SPARE keycodes stay for that.
 *
 * Xvnc starts with the same mapping every time, so the host works this out once, on its first
 * computer, and the guest of every later one applies the same requests itself before it says
 * ready (guest/keymap.py), checking first that its mapping is the one the plan was made for.
 */
import { createHash } from 'node:crypto';
import { logger } from '../../shared/node/log.js';
import { Keymap, type MappingChange } from './keymap.js';
import { charKeysym } from './keysyms.js';
import { call, connectDisplay } from './wire.js';

const log = logger('x11');

const PAIRS =
  'àÀ áÁ âÂ ãÃ äÄ åÅ æÆ çÇ èÈ éÉ êÊ ëË ìÌ íÍ îÎ ïÏ ðÐ ñÑ òÒ óÓ ôÔ õÕ öÖ øØ ùÙ úÚ ûÛ üÜ ýÝ þÞ ÿŸ ' +
  'œŒ šŠ žŽ čČ ćĆ łŁ ńŃ śŚ źŹ żŻ ąĄ ęĘ ğĞ şŞ ıİ řŘ ěĚ őŐ űŰ ' +
  'ß€ “” ‘’ –— «» ¡¿ °• ×÷ …·';
/** Keycodes left for borrowing: enough for a line of CJK text without waiting to reuse one. */
const KEEP_SPARE = 28;

export const PRELOADED: ReadonlyArray<readonly [number, number]> = PAIRS.split(' ').map((p) => {
  const [a, b] = [...p];
  return [charKeysym(a!)!, charKeysym(b!)!] as const;
});

/**
 * What a guest needs to preload the keysyms itself (guest/keymap.py, ORGO_KEYMAP): the requests,
 * and the mapping they were made for (sha256 of its keysyms as the wire carries them: CARD32
 * little-endian, keycode by keycode from the minimum).
 */
export interface KeymapPlan {
  digest: string;
  keysyms_per_keycode: number;
  changes: MappingChange[];
}

export function mappingDigest(rows: number[][]): string {
  const flat = rows.flat();
  const buf = Buffer.alloc(flat.length * 4);
  flat.forEach((k, i) => buf.writeUInt32LE(k >>> 0, i * 4));
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Gives the display at `socketPath` the preloaded keysyms, and answers the plan for the next
 * computers' guests; a failure only costs the head start (and answers null).
 */
export async function preloadKeymap(socketPath: string): Promise<KeymapPlan | null> {
  let display;
  try {
    display = await connectDisplay(socketPath);
  } catch (e) {
    log.warn(`keymap preload: ${(e as Error).message}`);
    return null;
  }
  const X = display.client;
  try {
    const rows = await call<number[][]>((cb) => X.GetKeyboardMapping(display.min_keycode, display.max_keycode - display.min_keycode + 1, cb));
    const digest = mappingDigest(rows);
    const keymap = new Keymap(display.min_keycode, rows);
    const changes = keymap.preload(PRELOADED, KEEP_SPARE);
    for (const c of changes) X.ChangeKeyboardMapping(c.first, keymap.keysymsPerKeycode, c.rows.flat());
    await X.sync();
    return { digest, keysyms_per_keycode: keymap.keysymsPerKeycode, changes };
  } catch (e) {
    log.warn(`keymap preload: ${(e as Error).message}`);
    return null;
  } finally {
    X.terminate();
  }
}
