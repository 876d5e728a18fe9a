/**
 * Input actions on a real desktop, each checked on the desktop itself: what a terminal ran, which
 * window has the focus, where a window is, what the screen shows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { call, eventually, startTestHost, type TestHost } from '../helpers/host.js';
import { changedPixels, decodePng } from '../helpers/png.js';

let t: TestHost;
let pc: Computer;

const sh = async (command: string, timeout?: number) => (await t.client.bash(pc.id, command, timeout)).output;
const read = async (path: string) => (await t.client.bash(pc.id, `cat ${path} 2>/dev/null`)).output;

interface Win {
  x: number;
  y: number;
  width: number;
  height: number;
  center: { x: number; y: number };
}

/** Opens an xterm with a fixed title (the shell may not retitle it) and answers where it is. */
async function xterm(title: string, geometry: string, command = 'bash'): Promise<Win> {
  await sh(
    `xterm -xrm 'XTerm*allowTitleOps: false' -T ${title} -geometry ${geometry} -e ${command} >/dev/null 2>&1 &
     for i in $(seq 200); do xdotool search --onlyvisible --name '^${title}$' >/dev/null 2>&1 && break; sleep 0.05; done`,
  );
  return where(title);
}

/** Where a window's client area is on the screen (xwininfo: xdotool's geometry counts the frame twice). */
async function where(title: string): Promise<Win> {
  const out = await sh(`xwininfo -name '${title}'`);
  const v = (k: string) => Number(new RegExp(`${k}:\\s+(-?\\d+)`).exec(out)?.[1]);
  const w = { x: v('Absolute upper-left X'), y: v('Absolute upper-left Y'), width: v('Width'), height: v('Height') };
  if (!Number.isFinite(w.x)) throw new Error(`no window ${title}: ${out}`);
  return { ...w, center: { x: w.x + Math.round(w.width / 2), y: w.y + Math.round(w.height / 2) } };
}

const active = () => sh('xdotool getactivewindow getwindowname');
const shot = async () => decodePng(await t.client.screenshotBytes(pc.id));

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('input');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'input' });
  expect(pc.status).toBe('running');
});
afterAll(() => t?.close());

describe('type and key', () => {
  let term: Win;
  beforeAll(async () => {
    term = await xterm('typing', '90x20+20+20');
    // On a busy machine the window manager may take a moment to manage the new window.
    await eventually(
      async () => (await t.client.click(pc.id, term.center.x, term.center.y), active()),
      (n) => n.trim() === 'typing',
      10_000,
      'the terminal to take the focus',
    );
  });
  // Each test types at the shell's prompt. Keys typed while the last test's `cat` is still ending
  // reach the terminal in canonical mode, where BackSpace erases inside the escape sequence End
  // sent and the line runs mangled: wait until the shell has no child and its line editor has
  // the terminal (icanon off).
  beforeEach(async () => {
    const prompt = `b=$(pgrep -x -P "$(pgrep -xo xterm)" bash); tty=$(ps -o tty= -p "$b" | tr -d ' ')
      if pgrep -P "$b" >/dev/null; then echo busy; elif stty -a -F "/dev/$tty" | grep -q -- '-icanon'; then echo ready; else echo cooked; fi`;
    await eventually(() => sh(prompt), (o) => o.trim() === 'ready', 10_000, 'the shell at its prompt');
  });

  it('types a command into the terminal and Enter runs it', async () => {
    await t.client.type(pc.id, 'echo typed-$((6*7)) > ~/typed.txt');
    await t.client.key(pc.id, 'Enter');
    await eventually(() => read('~/typed.txt'), (o) => o === 'typed-42\n', 10_000, 'the typed command to write its file');
  });

  it('types Unicode intact: accents, CJK, Greek, emoji, newlines', async () => {
    // More distinct characters than there are spare keycodes: borrowed keycodes get reused.
    const text = 'héllo wörld ñ ç € ß\n日本語の文章を入力する 中文输入法\nΕλληνικά Кириллица 🙂🚀\n';
    await t.client.type(pc.id, 'cat > ~/unicode.txt\n');
    await t.client.type(pc.id, text);
    await t.client.key(pc.id, 'ctrl+d');
    await eventually(() => read('~/unicode.txt'), (o) => o === text, 10_000, 'the typed Unicode text in the file');
  });

  it('presses chords and sequences of keys', async () => {
    // ctrl+a jumps to the start of the shell's line; BackSpace removes the stray Z.
    await t.client.type(pc.id, 'cho chord-ok > ~/chord.txtZ');
    await t.client.key(pc.id, 'ctrl+a');
    await t.client.type(pc.id, 'e');
    await t.client.key(pc.id, 'End BackSpace Return');
    await eventually(() => read('~/chord.txt'), (o) => o === 'chord-ok\n', 10_000, 'the edited command to run');
  });

  it('ctrl+c interrupts a running sleep in the terminal', async () => {
    await t.client.type(pc.id, 'sleep 300\n');
    await eventually(() => sh('pgrep -x sleep || true'), (o) => o.trim() !== '', 10_000, 'sleep to run');
    await t.client.key(pc.id, 'ctrl+c');
    await eventually(() => sh('pgrep -x sleep || true'), (o) => o.trim() === '', 10_000, 'sleep to be interrupted');
    await t.client.type(pc.id, 'echo back > ~/back.txt\n');
    await eventually(() => read('~/back.txt'), (o) => o === 'back\n', 10_000, 'the shell to take commands again');
  });

  it('runs concurrent actions on one computer in arrival order', async () => {
    await t.client.type(pc.id, 'cat > ~/order.txt\n');
    const letters = [...'abcdefghijklmnop'];
    await Promise.all(letters.map((l) => t.client.type(pc.id, l)));
    await t.client.key(pc.id, 'Return ctrl+d');
    await eventually(() => read('~/order.txt'), (o) => o === letters.join('') + '\n', 10_000, 'the letters in the order they were sent');
  });
});

describe('pointer', () => {
  let one: Win;
  let two: Win;
  beforeAll(async () => {
    one = await xterm('one', '60x15+600+60');
    two = await xterm('two', '60x15+600+360');
  });

  it('click focuses the window under the pointer', async () => {
    await t.client.click(pc.id, one.center.x, one.center.y);
    await eventually(active, (n) => n.trim() === 'one', 10_000, 'window one to take focus');
    await t.client.click(pc.id, two.center.x, two.center.y);
    await eventually(active, (n) => n.trim() === 'two', 10_000, 'window two to take focus');
    expect(await sh('xdotool getmouselocation --shell | head -2')).toBe(`X=${two.center.x}\nY=${two.center.y}\n`);
  });

  it("moves the pointer (POST .../move, as Orgo's SDK sends mouse_move) without clicking, on the screen only", async () => {
    const move = (x: unknown, y: unknown) => call(t, 'POST', `/computers/${pc.id}/move`, { x, y });
    const r = await move(one.center.x, one.center.y);
    expect([r.status, r.body]).toEqual([200, { success: true, action: 'move', details: { x: one.center.x, y: one.center.y } }]);
    expect(await sh('xdotool getmouselocation --shell | head -2')).toBe(`X=${one.center.x}\nY=${one.center.y}\n`);
    const off = await move(5000, 10);
    expect([off.status, off.body.error]).toEqual([400, 'x must be between 0 and 1279 (the screen is 1280x720)']);
    expect((await move('10', 10)).body.error).toBe('x must be a number of pixels');
    // The workspace move on the same path is still PATCH's.
    expect((await call(t, 'PATCH', `/computers/${pc.id}/move`, {})).body.error).toBe('workspace_id is required');
  });

  it('keys sent right after a click go to the window clicked, not the one that had the focus', async () => {
    const id = async (title: string) => Number((await sh(`xdotool search --name '^${title}$' | head -1`)).trim());
    for (const [w, title] of [[one, 'one'], [two, 'two'], [one, 'one']] as const) {
      await t.client.click(pc.id, w.center.x, w.center.y);
      await t.client.type(pc.id, `echo typed-in-$WINDOWID > ~/focus-${title}.txt\n`);
      await eventually(() => read(`~/focus-${title}.txt`), (o) => o !== '', 10_000, `the command typed into ${title}`);
      expect(await read(`~/focus-${title}.txt`)).toBe(`typed-in-${await id(title)}\n`);
      await sh(`rm ~/focus-${title}.txt`);
    }
  });

  it('double click selects a word; middle click pastes the selection', async () => {
    await t.client.click(pc.id, one.center.x, one.center.y);
    await t.client.type(pc.id, 'clear\n');
    // The prompt `user@input:~$` starts the first line once clear has run; double-click its first letters.
    const cell = { w: one.width / 60, h: one.height / 15 };
    const selected = async () => {
      // Apart by more than the double-click time, or xterm counts a triple click (a line).
      await new Promise((r) => setTimeout(r, 500));
      await t.client.click(pc.id, Math.round(one.x + cell.w * 1.5), Math.round(one.y + cell.h / 2), { double: true });
      return sh('xclip -o -selection primary 2>/dev/null || true');
    };
    await eventually(selected, (o) => o === 'user', 10_000, 'the double-clicked word to be selected');

    await sh("printf 'echo pasted > ~/middle.txt' | xclip -selection primary");
    // xclip takes the selection from a background child: wait until it holds it.
    await eventually(() => sh('xclip -o -selection primary 2>/dev/null || true'), (o) => o === 'echo pasted > ~/middle.txt', 10_000, 'xclip to own the selection');
    await t.client.click(pc.id, two.center.x, two.center.y, { button: 'middle' });
    // The paste reaches the shell once xterm has fetched the selection; until then Return
    // only runs empty lines.
    const ran = async () => (await t.client.key(pc.id, 'Return'), read('~/middle.txt'));
    await eventually(ran, (o) => o === 'pasted\n', 10_000, 'the pasted command to run');
  });

  it('right click on the desktop opens the menu there', async () => {
    const before = await shot();
    await t.client.click(pc.id, 150, 500, { button: 'right' });
    const after = await eventually(shot, (s) => changedPixels(before, s, { x: 150, y: 500, w: 100, h: 60 }) > 1000, 10_000, 'the desktop menu to show');
    expect(changedPixels(before, after, { x: 0, y: 0, w: 140, h: 480 })).toBe(0);
    await t.client.key(pc.id, 'Escape');
    await eventually(shot, (s) => changedPixels(before, s, { x: 150, y: 500, w: 100, h: 60 }) === 0, 10_000, 'the menu to close');
  });

  it('drag on the title bar moves the window', async () => {
    const w = await xterm('dragme', '40x10+100+420');
    // The title bar is the 20 pixels above the client area.
    await t.client.drag(pc.id, { start_x: w.x + 60, start_y: w.y - 10, end_x: w.x + 260, end_y: w.y - 10 - 150, duration: 0.3 });
    const moved = await eventually(() => where('dragme'), (m) => m.x !== w.x, 10_000, 'the window to move');
    expect(Math.abs(moved.x - (w.x + 200))).toBeLessThanOrEqual(2);
    expect(Math.abs(moved.y - (w.y - 150))).toBeLessThanOrEqual(2);
  });

  it('scroll moves a scrollable window, at the given point, and back', async () => {
    const w = await xterm('scroller', '50x12+80+80', '"bash -c \'seq 1 3000; exec bash\'"');
    await new Promise((r) => setTimeout(r, 300));
    const inside = { x: w.x, y: w.y, w: w.width, h: w.height };
    const elsewhere = { x: 0, y: 0, w: 70, h: 600 };
    const before = await shot();
    const r = await t.client.scroll(pc.id, { direction: 'up', amount: 5, x: w.center.x, y: w.center.y });
    expect(r).toEqual({ success: true, action: 'scroll', details: { direction: 'up', amount: 5, x: w.center.x, y: w.center.y } });
    const up = await eventually(shot, (s) => changedPixels(before, s, inside) > 500, 10_000, 'the terminal to scroll back');
    expect(changedPixels(before, up, elsewhere)).toBe(0);
    // Without a point: where the pointer already is.
    await t.client.scroll(pc.id, { direction: 'down', amount: 5 });
    await eventually(shot, (s) => changedPixels(before, s, inside) === 0, 10_000, 'the terminal to scroll back down');
  });
});

describe('typing into the browser', () => {
  it('arrives intact in a Chromium text field', async () => {
    // The page mirrors the field into its title, which the window manager can tell us.
    const page = `<title>ready</title><textarea autofocus style="width:600px;height:300px" oninput="document.title='T:'+this.value"></textarea>`;
    await sh(
      `cat > ~/field.html <<'EOF'\n${page}\nEOF\n` +
        `chromium --no-first-run --disable-gpu --no-sandbox --window-position=0,0 --window-size=900,600 file:///home/user/field.html >/dev/null 2>&1 &
         for i in $(seq 150); do xdotool search --onlyvisible --name '^ready' >/dev/null 2>&1 && break; sleep 0.2; done`,
      60,
    );
    await t.client.click(pc.id, 200, 250);
    const text = 'Grüße, café ñ € — 日本語の文章 中文 Ελληνικά 🙂 ok';
    await t.client.type(pc.id, text);
    const title = () => sh("xdotool search --name '^T:' getwindowname 2>/dev/null || true");
    await eventually(title, (o) => o === `T:${text} - Chromium\n`, 10_000, 'the typed text in the page');
    // More distinct characters than there are spare keycodes: some are remapped mid-text.
    await t.client.key(pc.id, 'ctrl+a BackSpace');
    const many = Array.from({ length: 160 }, (_, i) => String.fromCodePoint(0x4e00 + i * 7)).join('');
    await t.client.type(pc.id, many);
    await eventually(title, (o) => o === `T:${many} - Chromium\n`, 10_000, 'all 160 characters in the page');

    // From the browser to a terminal: keys sent right after the click belong to the terminal.
    const term = await xterm('after-browser', '30x8+940+100');
    const id = (await sh("xdotool search --name '^after-browser$' | head -1")).trim();
    // Back and forth a few times: the window manager moves the focus some time after the click.
    for (let round = 0; round < 5; round++) {
      await t.client.click(pc.id, 200, 250);
      await t.client.type(pc.id, `${round}`);
      // An agent thinks between steps; without any pause Chromium can take the focus back.
      await new Promise((r) => setTimeout(r, 300));
      await t.client.click(pc.id, term.center.x, term.center.y);
      await t.client.type(pc.id, `echo round-${round}-in-$WINDOWID > ~/after-browser-${round}.txt\n`);
    }
    for (let round = 0; round < 5; round++) {
      await eventually(() => read(`~/after-browser-${round}.txt`), (o) => o === `round-${round}-in-${id}\n`, 10_000, `round ${round} typed into the terminal`);
    }
    // None of it went to the browser (its field holds only the round numbers typed there).
    expect(await title()).not.toMatch(/echo|round/);
    await sh('pkill -f field.html || true');
  }, 90_000);
});

describe('wait and ordering', () => {
  it('waits the given seconds (duration is the old name) and holds later actions', async () => {
    let t0 = performance.now();
    expect(await t.client.wait(pc.id, 0.3)).toEqual({ success: true, action: 'wait', details: { seconds: 0.3 } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    t0 = performance.now();
    const waiting = t.client.request('POST', `/computers/${pc.id}/wait`, { duration: 0.4 });
    // Sent a moment later, so it surely arrives second.
    await new Promise((r) => setTimeout(r, 100));
    const shotDone = t.client.screenshotBytes(pc.id).then(() => performance.now() - t0);
    await waiting;
    expect(await shotDone).toBeGreaterThanOrEqual(395);
  });

  it('runs actions on different computers in parallel', async () => {
    const other = await t.client.createComputer({ workspace_id: pc.workspace_id, name: 'other' });
    const t0 = performance.now();
    await Promise.all([t.client.wait(pc.id, 1), t.client.wait(other.id, 1)]);
    expect(performance.now() - t0).toBeLessThan(1800);
    await t.client.deleteComputer(other.id);
  });
});
