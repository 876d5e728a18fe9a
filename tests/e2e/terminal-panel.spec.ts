/**
 * The viewer's terminal panel under the app's real Content-Security-Policy (browser mode serves it
 * as a header): no window logs a CSP violation or any console error while the main window, a
 * viewer with its terminal, and the grid are used; the terminal's cells are drawn in a monospace
 * font, aligned output lines up, and a line as wide as the shell's columns fills one row exactly.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { TEST_KEY, startTestHost, type TestHost } from '../helpers/host.js';
import { launchBrowserMode, type LaunchedApp, shooter, openViewer } from './launch.js';
import { expect, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

let host: TestHost;
let app: LaunchedApp;
let context: BrowserContext;
let main: Page;
let viewer: Page;

const shot = shooter('terminal');
const rows = () => viewer.getByTestId('terminal-active').locator('.xterm-rows');

test.beforeAll(async ({ browser }) => {
  host = await startTestHost();
  const ws = await host.client.createWorkspace('terminal');
  await host.client.createComputer({ workspace_id: ws.id, name: 'term-1' });
  app = await launchBrowserMode({ env: { ORGO_API_BASE_URL: host.api, ORGO_API_KEY: TEST_KEY } });
  context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
  main = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await app?.close();
  await host?.close();
});

test('the terminal panel opens with no CSP violation or console error in any window', async () => {
  await main.goto(app.url);
  const row = main.locator('[data-testid=computer-row][data-name="term-1"]');
  await expect(row).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  viewer = await openViewer(context, main, 'term-1');
  await expect(viewer.getByTestId('viewer-screen')).toHaveAttribute('data-first-frame', /\d/);
  await viewer.getByTestId('panel-terminal').click();
  await expect(viewer.getByTestId('terminal-state')).toHaveAttribute('data-state', 'open');
  await expect(rows()).toContainText('$', { timeout: 15_000 });
  await viewer.getByTestId('terminal-active').getByTestId('terminal').click();
  await viewer.keyboard.type("printf '%-10s|%6s|\\n' name size top 42 vim 7; ls -la /\n");
  await expect(rows()).toContainText('vim');
  await shot(viewer, 'panel-open');
  const [grid] = await Promise.all([context.waitForEvent('page'), main.getByTestId('open-grid').click()]);
  await expect(grid.locator('.tile-canvas[data-first-frame]')).toHaveCount(1);
  await grid.close();
});

test("the terminal's cells are monospace and as many columns as the shell is told", async () => {
  await viewer.getByTestId('terminal-active').getByTestId('terminal').click();
  // A ruler as wide as the shell thinks it is, then two lines whose bars must line up.
  await viewer.keyboard.type("clear; tput cols; printf 'X%.0s' $(seq $(tput cols)); printf '\\n%-8s|\\n%-8s|\\n' a wwwwww\n");
  await expect(rows()).toContainText('wwwwww  |');
  await viewer.waitForTimeout(200);
  const m = await viewer.evaluate(() => {
    const host = document.querySelector('[data-testid=terminal-active] [data-testid=terminal]') as HTMLElement;
    const rowsEl = host.querySelector('.xterm-rows') as HTMLElement;
    const lines = Array.from(rowsEl.children) as HTMLElement[];
    const text = lines.map((l) => l.textContent ?? '');
    const width = (s: string) => {
      const probe = document.createElement('span');
      probe.textContent = s;
      rowsEl.append(probe);
      const w = probe.getBoundingClientRect().width;
      probe.remove();
      return w;
    };
    const barX = (i: number) => {
      const line = lines[i]!;
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.textContent!.indexOf('|');
        if (at < 0) continue;
        const r = document.createRange();
        r.setStart(n, at);
        r.setEnd(n, at + 1);
        return r.getBoundingClientRect().x;
      }
      return NaN;
    };
    const ruler = text.findIndex((t) => /^X{10,}/.test(t));
    const a = text.findIndex((t) => t.startsWith('a '));
    const w = text.findIndex((t) => t.startsWith('wwwwww'));
    return {
      fontFamily: getComputedStyle(rowsEl).fontFamily,
      narrow: width('i'.repeat(40)),
      wide: width('W'.repeat(40)),
      cols: Number(text[ruler - 1]?.trim()),
      rulerChars: text[ruler]?.trim().length ?? 0,
      nextRow: text[ruler + 1] ?? '',
      rulerWidth: lines[ruler]?.getBoundingClientRect().width ?? 0,
      screenWidth: (host.querySelector('.xterm-screen') as HTMLElement).getBoundingClientRect().width,
      hostWidth: host.clientWidth,
      bars: [barX(a), barX(w)],
    };
  });
  await shot(viewer, 'panel');
  expect(m.fontFamily).toContain('DejaVu Sans Mono');
  expect(Math.abs(m.narrow - m.wide)).toBeLessThan(0.5); // 40 i's as wide as 40 W's: monospace
  const cell = m.wide / 40;
  expect(m.cols).toBeGreaterThan(20);
  expect(m.rulerChars).toBe(m.cols); // the ruler fits one row: no early wrap
  expect(m.nextRow.startsWith('X')).toBe(false);
  expect(Math.abs(m.screenWidth - m.cols * cell)).toBeLessThan(1.5); // the grid is cols cells wide
  expect(m.hostWidth - m.cols * cell).toBeLessThan(2 * cell + 20); // and fills the panel (a scrollbar aside)
  expect(m.hostWidth).toBeGreaterThanOrEqual(m.cols * cell);
  expect(Math.abs(m.bars[0]! - m.bars[1]!)).toBeLessThan(0.5); // padded columns line up
});

test('true-colour output keeps its colour without an inline style attribute', async () => {
  await viewer.keyboard.type("printf '\\033[38;2;255;0;0mRED\\033[0m\\n'\n");
  // The echoed command line holds "RED" too, so wait for the output's own cell: a span that is just RED.
  const colours = () =>
    viewer.evaluate(() => {
      const spans = Array.from(document.querySelectorAll('[data-testid=terminal-active] .xterm-rows span')) as HTMLElement[];
      return spans.filter((s) => s.textContent === 'RED').map((s) => getComputedStyle(s).color);
    });
  await expect.poll(colours).toContain('rgb(255, 0, 0)');
});
