/** Key names, chords and characters to keysyms; borrowing spare keycodes for what no key carries. */
import { describe, expect, it } from 'vitest';
import { Keymap, REUSE_MS } from '../../host/x11/keymap.js';
import { charKeysym, parseKeySpec, UnknownKeyError } from '../../host/x11/keysyms.js';

const ks = (spec: string) => parseKeySpec(spec).map((c) => c.keysyms);

describe('key specs, xdotool-style', () => {
  it('reads names case-insensitively, with common aliases', () => {
    for (const name of ['Return', 'return', 'RETURN', 'Enter', 'enter']) expect(ks(name)).toEqual([[0xff0d]]);
    expect(ks('Escape')).toEqual(ks('esc'));
    expect(ks('BackSpace')).toEqual(ks('backspace'));
    expect(ks('Page_Up')).toEqual(ks('pageup'));
    expect(ks('page_down')).toEqual(ks('PgDn'));
    expect(ks('f1')).toEqual([[0xffbe]]);
    expect(ks('F12')).toEqual([[0xffc9]]);
    expect(ks('super')).toEqual([[0xffeb]]);
    expect(ks('Up')).toEqual(ks('ArrowUp'));
  });

  it('reads chords, in order, and several chords separated by spaces', () => {
    expect(ks('ctrl+c')).toEqual([[0xffe3, 0x63]]);
    expect(ks('ctrl+shift+t')).toEqual([[0xffe3, 0xffe1, 0x74]]);
    expect(ks('ctrl+T')).toEqual(ks('ctrl+t'));
    expect(ks('alt+F4')).toEqual([[0xffe9, 0xffc1]]);
    expect(ks('ctrl++')).toEqual([[0xffe3, 0x2b]]);
    expect(ks('ctrl+a BackSpace')).toEqual([[0xffe3, 0x61], [0xff08]]);
  });

  it('types a lone character as itself', () => {
    expect(ks('A')).toEqual([[0x41]]);
    expect(ks('?')).toEqual([[0x3f]]);
    expect(ks('é')).toEqual([[0xe9]]);
  });

  it('names the unknown key and lists valid examples', () => {
    expect(() => parseKeySpec('ctrl+bogus')).toThrow(UnknownKeyError);
    try {
      parseKeySpec('ctrl+bogus');
    } catch (e) {
      expect((e as Error).message).toMatch(/Unknown key "bogus" in "ctrl\+bogus"/);
      expect((e as Error).message).toMatch(/Enter, Tab, Escape/);
      expect((e as Error).message).toMatch(/ctrl\+shift\+t/);
    }
    expect(() => parseKeySpec('ctrl+')).toThrow(UnknownKeyError);
  });
});

describe('characters', () => {
  it('maps Latin-1 to itself, the rest to Unicode keysyms, newlines to Return', () => {
    expect(charKeysym('a')).toBe(0x61);
    expect(charKeysym('ñ')).toBe(0xf1);
    expect(charKeysym('€')).toBe(0x010020ac);
    expect(charKeysym('日')).toBe(0x010065e5);
    expect(charKeysym('🙂')).toBe(0x0101f642);
    expect(charKeysym('\n')).toBe(0xff0d);
    expect(charKeysym('\t')).toBe(0xff09);
    expect(charKeysym('\u0007')).toBeNull();
  });
});

describe('keymap', () => {
  // keycodes 8..12: a/A, Shift_L, two empty, 1/exclam
  const rows = () => [
    [0x61, 0x41, 0, 0],
    [0xffe1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0x31, 0x21, 0, 0],
  ];

  it('finds keysyms on the plain and the Shift level', () => {
    const m = new Keymap(8, rows());
    expect(m.lookup(0x61)).toEqual({ keycode: 8, shift: false });
    expect(m.lookup(0x41)).toEqual({ keycode: 8, shift: true });
    expect(m.lookup(0x21)).toEqual({ keycode: 12, shift: true });
    expect(m.lookup(0xe9)).toBeUndefined();
  });

  it('borrows empty keycodes, keeps what it borrowed, and reuses only after a pause', () => {
    const m = new Keymap(8, rows());
    const e = m.borrow(0xe9, 1000);
    expect(e).toEqual({ keycode: 10, row: [0xe9, 0xe9, 0, 0] });
    expect(m.lookup(0xe9)).toEqual({ keycode: 10, shift: false });
    expect(m.borrow(0x010065e5, 1001)).toMatchObject({ keycode: 11 });
    // Both spare keycodes were just used: wait.
    expect(m.borrow(0x010065e6, 1002)).toEqual({ waitMs: REUSE_MS - 2 });
    // Later, the least recently used one is given the new keysym; the old one is forgotten.
    expect(m.borrow(0x010065e6, 1000 + REUSE_MS)).toMatchObject({ keycode: 10 });
    expect(m.lookup(0xe9)).toBeUndefined();
    expect(m.lookup(0x010065e6)).toEqual({ keycode: 10, shift: false });
  });

  it('borrows keycodes that carry only vendor keys, before the empty ones (Xvnc fills those), but not media keys', () => {
    const m = new Keymap(8, [
      [0x1008ff12, 0, 0x1008ff12, 0], // XF86AudioMute: the host's `mute` key name needs it
      [0x1008ff19, 0, 0x1008ff19, 0], // XF86Mail
      [0, 0, 0, 0],
    ]);
    expect(m.capacity).toBe(2);
    const codes = [m.borrow(0xe9, 0), m.borrow(0xea, 0)].map((g) => ('keycode' in g ? g.keycode : 0));
    expect(codes.sort((a, b) => a - b)).toEqual([9, 10]);
    expect(m.lookup(0x1008ff19)).toBeUndefined();
    expect(m.lookup(0x1008ff12)).toEqual({ keycode: 8, shift: false });
    expect(m.borrow(0xeb, 0)).toEqual({ waitMs: REUSE_MS });
  });

  it('changes the mapping in few requests that touch no ordinary key', () => {
    // 8 empty, 9 Mail, 10 empty, 11 the letter a, 12 empty, 13 empty
    const m = new Keymap(8, [[0, 0], [0x1008ff19, 0], [0, 0], [0x61, 0x41], [0, 0], [0, 0]]);
    const taken = [0x4e00, 0x4e01, 0x4e02, 0x4e03].map((k) => m.borrow(0x01000000 + k, 0)).map((g) => ('keycode' in g ? g.keycode : 0));
    expect(taken).toEqual([9, 8, 10, 12]); // vendor-only first, then the empty ones: the longer run first, then by keycode
    const changes = m.changes([8, 10, 12]);
    expect(changes).toEqual([
      { first: 8, rows: [[0x01004e01, 0x01004e01], [0x01004e00, 0x01004e00], [0x01004e02, 0x01004e02]] },
      { first: 12, rows: [[0x01004e03, 0x01004e03]] },
    ]);
  });

  it('preloads pairs onto vendor-only keycodes, never the empty ones, keeping some spare', () => {
    // 8 Mail, 9 empty, 10 Mail, 11 Mail, 12 the letter a
    const m = new Keymap(8, [[0x1008ff19, 0], [0, 0], [0x1008ff19, 0], [0x1008ff19, 0], [0x61, 0x41]]);
    const changes = m.preload([[0xe9, 0xc9], [0x61, 0x41], [0xfc, 0xdc], [0xf1, 0xd1]], 2);
    expect(m.lookup(0xe9)).toEqual({ keycode: 8, shift: false });
    expect(m.lookup(0xc9)).toEqual({ keycode: 8, shift: true });
    expect(m.lookup(0xfc)).toEqual({ keycode: 10, shift: false });
    expect(m.lookup(0xf1)).toBeUndefined(); // two spares left for borrowing
    expect(changes).toEqual([{ first: 8, rows: [[0xe9, 0xc9], [0, 0], [0xfc, 0xdc]] }]);
    // Preloaded keycodes are never borrowed: new keysyms go to the ones left, the empty one last.
    const got = [m.borrow(0x01004e00, 0), m.borrow(0x01004e01, 0)].map((g) => ('keycode' in g ? g.keycode : 0));
    expect(got).toEqual([11, 9]);
    expect(m.borrow(0x01004e02, 0)).toEqual({ waitMs: REUSE_MS });
    expect(m.lookup(0xe9)).toEqual({ keycode: 8, shift: false });
  });

  it('forgets borrowed keycodes that someone else remapped', () => {
    const m = new Keymap(8, rows());
    m.borrow(0xe9, 0);
    const changed = rows();
    changed[2] = [0xfc, 0xdc, 0, 0];
    m.reload(changed);
    expect(m.lookup(0xe9)).toBeUndefined();
    expect(m.lookup(0xfc)).toEqual({ keycode: 10, shift: false });
  });
});
