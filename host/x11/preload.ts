/**
 * The keysyms a computer's keyboard carries from the start, beyond the US keys: the accented
 * letters of the languages written with Latin letters (lower case plain, capital with Shift) and
 * common punctuation. Put on spare keycodes once the display is up, before applications start,
 * so typing them (by the API or a viewer's keys) never waits on an application to notice a
 * keymap change; the first `héllo` typed into a fresh Chromium arrives whole. CJK and the rest
 * are still borrowed as they come (Keymap.borrow); KEEP_SPARE keycodes stay for that.
 */
import { logger } from '../../shared/node/log.js';
import { Keymap } from './keymap.js';
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
 * Gives the display at `socketPath` the preloaded keysyms; a failure only costs the head start.
 * `going` says whether the computer is being stopped: a failure then is the stop (a create
 * deleted at once), not news, and is logged at debug.
 */
export async function preloadKeymap(socketPath: string, going: () => boolean = () => false): Promise<void> {
  const failed = (e: unknown) => (going() ? log.debug : log.warn)(`keymap preload: ${(e as Error).message}`);
  let display;
  try {
    display = await connectDisplay(socketPath);
  } catch (e) {
    failed(e);
    return;
  }
  const X = display.client;
  // It runs beside the computer's start, so the display can go (a stop right after create)
  // mid-request: the connection's error or end answers then, rather than a reply never coming.
  const lost = new Promise<never>((_, reject) => {
    X.on('error', (e) => reject(e ?? new Error('the X connection failed')));
    X.on('end', () => reject(new Error('the display closed')));
  });
  lost.catch(() => {});
  try {
    await Promise.race([lost, (async () => {
      const rows = await call<number[][]>((cb) => X.GetKeyboardMapping(display.min_keycode, display.max_keycode - display.min_keycode + 1, cb));
      const keymap = new Keymap(display.min_keycode, rows);
      for (const c of keymap.preload(PRELOADED, KEEP_SPARE)) X.ChangeKeyboardMapping(c.first, keymap.keysymsPerKeycode, c.rows.flat());
      await X.sync();
    })()]);
  } catch (e) {
    failed(e);
  } finally {
    X.terminate();
  }
}
