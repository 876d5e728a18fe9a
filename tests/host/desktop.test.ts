/**
 * The desktop a person and a model meet (issue 15): icons for the Desktop folder's files, a
 * right-click menu with the applications, a file manager and a browser started on demand
 * (Chromium maximized on a plain start page), a sound server and a session bus started by their
 * first client, a panel with launchers and a clock, a terminal with a monospace face, CJK and
 * emoji fonts. Each checked on a real desktop, from inside it or on its screen.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { eventually, startTestHost, type TestHost } from '../helpers/host.js';
import { changedPixels, decodePng } from '../helpers/png.js';

let t: TestHost;
let pc: Computer;

const sh = async (command: string, timeout?: number) => (await t.client.bash(pc.id, command, timeout)).output;
const shot = async () => decodePng(await t.client.screenshotBytes(pc.id));
/** The desktop icons: the guest's override-redirect windows of the icon size, as xwininfo lists them. */
const icons = async () => Number((await sh("xwininfo -root -children | grep -c ' 96x84+' || true")).trim());
const visible = (name: string) => sh(`xdotool search --onlyvisible --name '${name}' 2>/dev/null | head -1`);
/** The first icon's place (top left of the screen), where its picture and label are drawn. */
const FIRST = { x: 12, y: 12, w: 96, h: 84 };

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('desktop');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'desk' });
  expect(pc.status).toBe('running');
});
afterAll(() => t?.close());

function hasCc(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the desktop', () => {
  it('starts neither a file manager, a browser, the sound server nor the session bus at boot; each starts when asked for', async () => {
    // Nor the service supervisor (an interpreter) while no user service is enabled.
    expect(await sh("pgrep -x pcmanfm; pgrep -x chromium; pgrep -x pulseaudio; pgrep -x dbus-daemon; pgrep -fx '/usr/bin/python3 /etc/orgo/services.py supervise'; echo done")).toBe('done\n');
    // The first client's connection waits for the server the guest starts for it.
    expect(await sh("pactl info | grep '^Default Sink'")).toBe('Default Sink: desktop\n');
    expect((await sh('pgrep -cx pulseaudio')).trim()).toBe('1');
    // The session bus the same way, on its path inside the computer, and only one of it.
    expect(await sh('echo "$DBUS_SESSION_BUS_ADDRESS"; dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId | grep -c string')).toBe('unix:path=/run/user/1000/bus\n1\n');
    expect((await sh('dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.ListNames >/dev/null && pgrep -cx dbus-daemon')).trim()).toBe('1');
  });

  it('runs its window manager and panel without librsvg until an SVG is drawn, and what they start never sees the stand-in', async () => {
    // The host builds the stand-in with the machine's C compiler (host/runtime/desktop-libs.ts);
    // without one the two load the system's librsvg at start, as before.
    const built = (await sh('test -e /run/orgo-lib/librsvg-2.so.2 && echo yes || echo no')).trim() === 'yes';
    expect(built, 'this machine has cc (scripts/ensure.sh installs it)').toBe(hasCc());
    const maps = async (name: string) => sh(`p=$(ps -o pid= -C ${name} | tr -d " " | head -1); grep -c 'x86_64-linux-gnu/librsvg' /proc/$p/maps; grep -c /run/orgo-lib/ /proc/$p/maps`);
    await eventually(() => sh('ps -o pid= -C openbox; ps -o pid= -C tint2'), (o) => o.trim().split('\n').length === 2, 15_000, 'openbox and tint2');
    for (const name of ['openbox', 'tint2']) {
      const [real, stand] = (await maps(name)).trim().split('\n').map(Number);
      expect({ name, real: real! > 0, stand: stand! > 0 }).toEqual({ name, real: !built, stand: built });
    }
    if (!built) return;
    // Still an SVG's library: its first call loads the real one and answers from it.
    const svg = '/usr/share/icons/Adwaita/scalable/places/network-workgroup-symbolic.svg';
    expect(await sh(`LD_LIBRARY_PATH=/run/orgo-lib python3 -c "
import ctypes
class Dimensions(ctypes.Structure):
    _fields_ = [('width', ctypes.c_int), ('height', ctypes.c_int), ('em', ctypes.c_double), ('ex', ctypes.c_double)]
lib = ctypes.CDLL('librsvg-2.so.2')
lib.rsvg_handle_new_from_file.restype = ctypes.c_void_p
handle = lib.rsvg_handle_new_from_file(b'${svg}', None)
d = Dimensions()
lib.rsvg_handle_get_dimensions(ctypes.c_void_p(handle), ctypes.byref(d))
real = any('x86_64-linux-gnu/librsvg' in line for line in open('/proc/self/maps'))
print(bool(handle), d.width, d.height, real)
"`)).toBe('True 16 16 True\n');
    // The file manager from the panel's launcher (clicked again until the panel takes it: it may
    // still be starting): started by tint2, without its library path or malloc setting.
    let clicked = 0;
    const pid = await eventually(async () => {
      const found = (await sh('ps -o pid= -C pcmanfm | tr -d " " | head -1')).trim();
      if (!found && Date.now() - clicked > 2_000) {
        clicked = Date.now();
        await t.client.click(pc.id, 78, 703);
      }
      return found;
    }, (o) => o !== '', 20_000, 'pcmanfm');
    expect(await sh(`tr '\\0' '\\n' < /proc/${pid}/environ | grep -cE 'LD_LIBRARY_PATH|GLIBC_TUNABLES'; grep -c /run/orgo-lib/ /proc/${pid}/maps; true`)).toBe('0\n0\n');
    await sh(`kill ${pid}; true`);
  });

  it('has its panel: the three launchers and the clock drawn along the bottom', async () => {
    // The launchers' icons are files (applications/*.desktop), drawn without an icon theme.
    await eventually(() => sh('xdotool search --class tint2 2>/dev/null | head -1'), (o) => o.trim() !== '', 15_000, 'the panel');
    const img = await shot();
    const strip = (x0: number, x1: number) => {
      const colours = new Set<number>();
      for (let y = img.height - 30; y < img.height - 4; y++) for (let x = x0; x < x1; x++) {
        const i = (y * img.width + x) * 3;
        colours.add((img.rgb[i]! << 16) | (img.rgb[i + 1]! << 8) | img.rgb[i + 2]!);
      }
      return colours.size;
    };
    // Each launcher is a picture of many colours on the panel's flat one; so is the clock's text.
    for (const [x0, x1] of [[4, 32], [34, 62], [64, 92]] as const) expect(strip(x0, x1), `launcher at ${x0}`).toBeGreaterThan(20);
    expect(strip(img.width - 80, img.width - 4), 'the clock').toBeGreaterThan(5);
  });

  it("shows the Desktop folder's files as icons, as they come and go, and a double click opens one", async () => {
    const empty = await shot();
    expect(await icons()).toBe(0);
    await sh('mkdir ~/Desktop/Projects && echo hi > ~/Desktop/zeta.txt');
    await eventually(icons, (n) => n === 2, 15_000, 'two icons');
    // Sorted by name: Projects first, at the top left, drawn there.
    const drawn = await shot();
    expect(changedPixels(empty, drawn, FIRST)).toBeGreaterThan(500);
    expect(changedPixels(empty, drawn, { x: 300, y: 200, w: 600, h: 300 })).toBe(0);

    await t.client.click(pc.id, FIRST.x + 48, FIRST.y + 30, { double: true });
    await eventually(() => visible('^Projects$'), (id) => id.trim() !== '', 20_000, 'the file manager on the Projects folder');

    await sh('rm ~/Desktop/zeta.txt; pkill -x pcmanfm; true');
    await eventually(icons, (n) => n === 1, 15_000, 'one icon left');
  });

  it('keys after a click on an icon (which never takes the focus) go to the window that has it', async () => {
    await sh(`xterm -xrm 'XTerm*allowTitleOps: false' -T keys -geometry 60x10+500+300 -e bash >/dev/null 2>&1 &
      for i in $(seq 200); do xdotool search --onlyvisible --name '^keys$' >/dev/null 2>&1 && break; sleep 0.05; done`);
    const id = (await visible('^keys$')).trim();
    await eventually(
      async () => (await t.client.click(pc.id, 700, 380), sh('xdotool getactivewindow getwindowname')),
      (n) => n.trim() === 'keys',
      10_000,
      'the terminal to take the focus',
    );
    await t.client.click(pc.id, FIRST.x + 48, FIRST.y + 30);
    await t.client.type(pc.id, 'echo typed-in-$WINDOWID > ~/after-icon.txt\n');
    await eventually(() => sh('cat ~/after-icon.txt 2>/dev/null'), (o) => o !== '', 10_000, 'the command typed after the icon click');
    expect(await sh('cat ~/after-icon.txt')).toBe(`typed-in-${id}\n`);
    await sh('pkill -f "xterm.*-T keys"; true');
  });

  it('opens a terminal from the right-click menu, in a monospace face, with CJK and emoji fonts installed', async () => {
    await t.client.click(pc.id, 700, 150, { button: 'right' });
    // The menu opens at the pointer; its first entry is Terminal.
    await t.client.click(pc.id, 730, 160);
    await eventually(
      () => sh("xdotool search --onlyvisible --class xterm 2>/dev/null | wc -l"),
      (n) => Number(n) >= 1,
      10_000,
      'a terminal from the menu',
    );
    expect(await sh("xrdb -query | grep -i '^xterm\\*faceName:'")).toMatch(/DejaVu Sans Mono/);
    expect((await sh("fc-list ':lang=ja' family | grep -c 'Noto Sans CJK' || true")).trim()).not.toBe('0');
    expect(await sh("fc-list | grep -c 'Noto Color Emoji' || true")).not.toBe('0\n');
  });

  it('repaints the wallpaper to span the screen when its size changes', async () => {
    await sh('xrandr -s 1024x768');
    // Row 700 of 768 is #122031 in the gradient spanning 768 rows (the 720-row one gives #101d2c there).
    const row700 = async () => {
      const d = await shot();
      const i = (700 * d.width + 400) * 3;
      return `${d.width}:${[...d.rgb.subarray(i, i + 3)].join(',')}`;
    };
    await eventually(row700, (v) => v === '1024:18,32,49', 10_000, 'the wallpaper at the new size');
    await sh('xrandr -s 1280x720');
  });

  it('opens Chromium maximized on a plain start page', async () => {
    await sh('chromium >/dev/null 2>&1 &');
    const name = await eventually(() => visible('Chromium$'), (id) => id.trim() !== '', 90_000, 'the browser window');
    const title = await eventually(
      () => sh(`xdotool getwindowname ${name.trim()}`),
      (n) => n.startsWith('New tab'),
      30_000,
      'the start page',
    );
    expect(title).toBe('New tab - Chromium\n');
    // Maximized: as wide as the screen, and down to the panel.
    const geo = await sh(`xdotool getwindowgeometry --shell ${name.trim()}`);
    expect(geo).toMatch(/^WIDTH=1280$/m);
    expect(Number(/^HEIGHT=(\d+)$/m.exec(geo)?.[1])).toBeGreaterThan(600);
    await sh('pkill -x chromium; true');
  }, 150_000);
});
