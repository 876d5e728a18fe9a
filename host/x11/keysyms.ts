/**
 * Key names and characters to X keysyms, the way xdotool reads them: `Return`, `ctrl+c`,
 * `ctrl+shift+t`, `alt+F4`, `super`, several combos separated by spaces. Names are matched without
 * regard to case, `_` or `-` (`page_up`, `PageUp`, `Page_Up`), after a few common aliases
 * (`enter`, `esc`, `del`, `cmd`, `pgdn`, ...). Characters become their keysym: Latin-1 as itself,
 * everything else as Unicode keysym 0x01000000 + code point.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const table = require('x11/lib/keysyms') as Record<string, { code: number } | number>;

export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Delete: 0xffff,
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Super_L: 0xffeb,
} as const;

/** Modifier keysyms: pressed as they are, never "shifted". */
export const MODIFIERS = new Set([0xffe1, 0xffe2, 0xffe3, 0xffe4, 0xffe5, 0xffe7, 0xffe8, 0xffe9, 0xffea, 0xffeb, 0xffec, 0xffed, 0xffee, 0xfe03, 0xff7e]);

/** Common names that are not X keysym names, or that should win over one. */
const ALIASES: Record<string, string> = {
  enter: 'Return', ret: 'Return', esc: 'Escape', del: 'Delete', bksp: 'BackSpace', backspace: 'BackSpace',
  ctrl: 'Control_L', control: 'Control_L', lctrl: 'Control_L', rctrl: 'Control_R', ctrll: 'Control_L', ctrlr: 'Control_R',
  shift: 'Shift_L', lshift: 'Shift_L', rshift: 'Shift_R',
  alt: 'Alt_L', lalt: 'Alt_L', ralt: 'Alt_R', option: 'Alt_L', opt: 'Alt_L', altgr: 'ISO_Level3_Shift',
  // The "Windows"/"Command" key: on Linux desktops it is Super.
  super: 'Super_L', win: 'Super_L', windows: 'Super_L', cmd: 'Super_L', command: 'Super_L', meta: 'Super_L', lsuper: 'Super_L', rsuper: 'Super_R',
  pageup: 'Prior', pgup: 'Prior', pagedown: 'Next', pgdn: 'Next', pgdown: 'Next',
  arrowup: 'Up', arrowdown: 'Down', arrowleft: 'Left', arrowright: 'Right',
  ins: 'Insert', printscreen: 'Print', prtsc: 'Print', prtscr: 'Print', prntscrn: 'Print',
  spacebar: 'space', apps: 'Menu', contextmenu: 'Menu', capslock: 'Caps_Lock', numlock: 'Num_Lock', scrolllock: 'Scroll_Lock',
  volumeup: 'XF86AudioRaiseVolume', volumedown: 'XF86AudioLowerVolume', volumemute: 'XF86AudioMute', mute: 'XF86AudioMute',
  playpause: 'XF86AudioPlay', mediaplay: 'XF86AudioPlay', medianext: 'XF86AudioNext', mediaprev: 'XF86AudioPrev', mediastop: 'XF86AudioStop',
};

/** XF86 keys are not in the package's table (it covers keysymdef.h only). */
const XF86: Record<string, number> = {
  XF86AudioLowerVolume: 0x1008ff11, XF86AudioMute: 0x1008ff12, XF86AudioRaiseVolume: 0x1008ff13, XF86AudioPlay: 0x1008ff14,
  XF86AudioStop: 0x1008ff15, XF86AudioPrev: 0x1008ff16, XF86AudioNext: 0x1008ff17, XF86Back: 0x1008ff26, XF86Forward: 0x1008ff27,
  XF86Reload: 0x1008ff73, XF86Search: 0x1008ff1b, XF86HomePage: 0x1008ff18,
};

const fold = (name: string) => name.toLowerCase().replace(/[_\-\s]/g, '');

const exact = new Map<string, number>();
const folded = new Map<string, { name: string; code: number }>();
const upperCount = (s: string) => s.replace(/[^A-Z]/g, '').length;
for (const [key, value] of Object.entries(table)) {
  if (!key.startsWith('XK_')) continue;
  const name = key.slice(3);
  const code = typeof value === 'number' ? value : value.code;
  exact.set(name, code);
}
for (const [name, code] of Object.entries(XF86)) exact.set(name, code);
for (const [name, code] of exact) {
  const f = fold(name);
  const prev = folded.get(f);
  // Case-insensitive clashes (Aacute/aacute, Greek_ALPHA/Greek_alpha): the unshifted one wins.
  if (!prev || upperCount(name) < upperCount(prev.name)) folded.set(f, { name, code });
}

/** The keysym of a character, or null for control characters that no key types. */
export function charKeysym(ch: string): number | null {
  const cp = ch.codePointAt(0)!;
  if (ch === '\n' || ch === '\r') return XK.Return;
  if (ch === '\t') return XK.Tab;
  if (ch === '\b') return XK.BackSpace;
  if (cp === 0x1b) return XK.Escape;
  if (cp === 0x7f) return XK.Delete;
  if (cp < 0x20 || (cp >= 0x80 && cp < 0xa0)) return null;
  if (cp <= 0xff) return cp;
  return 0x01000000 + cp;
}

/** The characters of `text` that no key can type (control characters other than newline, tab, backspace, escape, delete). */
export function untypeable(text: string): string[] {
  return [...new Set([...text.replace(/\r\n?/g, '\n')].filter((c) => charKeysym(c) === null))];
}

export class UntypeableError extends Error {
  constructor(readonly chars: string[]) {
    const names = chars.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
    super(`text contains characters that cannot be typed: ${names.join(', ')} (control characters; use the key action for keys)`);
  }
}

export function keysymByName(name: string): number | null {
  const direct = exact.get(name);
  if (direct !== undefined) return direct;
  const f = fold(name);
  const alias = ALIASES[f];
  if (alias) return exact.get(alias) ?? null;
  return folded.get(f)?.code ?? null;
}

export const KEY_EXAMPLES = 'Enter, Tab, Escape, BackSpace, Delete, space, Up, Down, Left, Right, Home, End, Page_Up, Page_Down, F1-F12, a, 5, ctrl+c, ctrl+shift+t, alt+F4, super';

export class UnknownKeyError extends Error {
  constructor(
    readonly part: string,
    readonly spec: string,
  ) {
    super(
      part === spec
        ? `Unknown key "${part}". Key names are xdotool-style and case-insensitive, for example: ${KEY_EXAMPLES}`
        : `Unknown key "${part}" in "${spec}". Key names are xdotool-style and case-insensitive, for example: ${KEY_EXAMPLES}`,
    );
  }
}

/** One chord: keys held down together, in order (modifiers first), released in reverse. */
export interface Chord {
  text: string;
  keysyms: number[];
}

/**
 * Parses a key spec: chords separated by spaces, keys within a chord joined by `+` (`ctrl++` is
 * ctrl and plus). A letter inside a chord means the key, not the capital (`ctrl+T` = `ctrl+t`);
 * a single character on its own is typed as that character (`A` = shift+a, `?` = shift+slash).
 */
export function parseKeySpec(spec: string): Chord[] {
  const chords: Chord[] = [];
  for (const text of spec.trim().split(/\s+/).filter(Boolean)) {
    let parts: string[];
    if (text === '+') parts = ['+'];
    else if (text.endsWith('++')) parts = [...text.slice(0, -2).split('+'), '+'];
    else parts = text.split('+');
    const keysyms = parts.map((part) => {
      if (!part) throw new UnknownKeyError(text, spec);
      const chars = [...part];
      if (chars.length === 1) {
        const ch = parts.length > 1 ? part.toLowerCase() : part;
        const ks = charKeysym(ch);
        if (ks === null) throw new UnknownKeyError(part, spec);
        return ks;
      }
      const ks = keysymByName(part);
      if (ks === null) throw new UnknownKeyError(part, spec);
      return ks;
    });
    chords.push({ text, keysyms });
  }
  if (!chords.length) throw new UnknownKeyError(spec, spec);
  return chords;
}
