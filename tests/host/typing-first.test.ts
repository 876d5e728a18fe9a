/**
 * Typing as the very first action on a fresh computer, where no keycode has been borrowed yet and
 * the application has only just read the keyboard mapping: accented, CJK and other characters
 * that no key carries arrive intact in Chromium and in a terminal, and the answer counts only
 * characters that were typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { charKeysym } from '../../host/x11/keysyms.js';
import { TEST_KEY, eventually, startTestHost, type TestHost } from '../helpers/host.js';
import { connectRfb } from '../helpers/rfb.js';

let t: TestHost;
let ws: string;
const TEXT = 'héllo 日本語 ü';

/**
 * A fresh Chromium showing a text field that mirrors itself into the window title. The title says
 * `ready` once the field has the focus (autofocus lands after the title is parsed, late on a busy
 * machine): keys sent before that would go to the page, not the field, whatever the host did.
 */
async function chromiumField(pc: Computer): Promise<() => Promise<string>> {
  const page = `<title>loading</title><textarea autofocus onfocus="if(!this.value)document.title='ready'" oninput="document.title='T:'+this.value"></textarea>`;
  await sh(
    pc,
    `cat > ~/field.html <<'EOF'\n${page}\nEOF\n` +
      `chromium --no-first-run --disable-gpu --no-sandbox --window-position=0,0 --window-size=900,600 file:///home/user/field.html >/dev/null 2>&1 &
       for i in $(seq 150); do xdotool search --onlyvisible --name '^ready' >/dev/null 2>&1 && break; sleep 0.2; done`,
    60,
  );
  return () => sh(pc, "xdotool search --name '^T:' getwindowname 2>/dev/null || true");
}

const sh = async (pc: Computer, command: string, timeout?: number) => (await t.client.bash(pc.id, command, timeout)).output;

beforeAll(async () => {
  t = await startTestHost();
  ws = (await t.client.createWorkspace('typing-first')).id;
});
afterAll(() => t?.close());

async function fresh(name: string): Promise<Computer> {
  const pc = await t.client.createComputer({ workspace_id: ws, name });
  expect(pc.status).toBe('running');
  return pc;
}

describe('typing as the first action on a fresh computer', () => {
  it('refuses text with characters no key can type, before typing any of it', async () => {
    const pc = await fresh('refuse');
    const r = await fetch(`${t.api}/computers/${pc.id}/type`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'ok\u0007bell' }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/U\+0007/);
    await t.client.deleteComputer(pc.id);
  });

  it('the first action finds the window manager holding the screen', async () => {
    // A window the first action maps is then managed and focused: keys typed next have a home.
    const pc = await fresh('wm-first');
    expect(await sh(pc, 'xprop -root _NET_SUPPORTING_WM_CHECK')).toMatch(/window id # 0x[0-9a-f]+/);
    await t.client.deleteComputer(pc.id);
  });

  for (const round of [1, 2, 3]) {
    it(`arrives intact in a Chromium text field (${round})`, async () => {
      const pc = await fresh(`chromium-${round}`);
      const title = await chromiumField(pc);
      const answer = await t.client.type(pc.id, TEXT);
      expect(answer).toMatchObject({ success: true, details: { characters: [...TEXT].length } });
      await eventually(title, (o) => o === `T:${TEXT} - Chromium\n`, 10_000, 'the typed text in the page');
      await t.client.deleteComputer(pc.id);
    }, 90_000);

    it(`a viewer's keys reach Chromium whole, accents included (${round})`, async () => {
      const pc = await fresh(`viewer-${round}`);
      const title = await chromiumField(pc);
      const vnc = await connectRfb(`${pc.connection_url.replace(/^http/, 'ws')}/ws/websockify?token=${pc.vnc_password}`, pc.vnc_password);
      const typed = 'héllo wörld ñ ç';
      vnc.keys([...typed].map((c) => charKeysym(c)!));
      await eventually(title, (o) => o === `T:${typed} - Chromium\n`, 10_000, "the viewer's keys in the page");
      vnc.close();
      await t.client.deleteComputer(pc.id);
    }, 90_000);

    it(`arrives intact in a terminal (${round})`, async () => {
      const pc = await fresh(`terminal-${round}`);
      await sh(
        pc,
        `xterm -T first -e 'cat > ~/typed.txt' >/dev/null 2>&1 &
         for i in $(seq 600); do xdotool search --onlyvisible --name '^first$' >/dev/null 2>&1 && break; sleep 0.05; done
         xdotool search --onlyvisible --name '^first$' windowactivate --sync >/dev/null 2>&1 && xdotool getactivewindow getwindowname`,
        60,
      );
      // Typed into the terminal only once it has the focus (a loaded machine maps it late).
      await eventually(() => sh(pc, 'xdotool getactivewindow getwindowname 2>/dev/null || true'), (o) => o.trim() === 'first', 30_000, 'the terminal focused');
      expect(await t.client.type(pc.id, `${TEXT}\n`)).toMatchObject({ success: true, details: { characters: [...TEXT].length + 1 } });
      await eventually(() => sh(pc, 'cat ~/typed.txt'), (o) => o === `${TEXT}\n`, 10_000, 'the typed text in the file');
      await t.client.deleteComputer(pc.id);
    }, 90_000);
  }
});
