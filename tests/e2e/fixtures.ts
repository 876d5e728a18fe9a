/**
 * The `test` every e2e spec uses: Playwright's, with the console watch (console-watch.ts) on
 * every browser context a spec opens (browser.newContext, browser.newPage and the built-in
 * `page`), checked after each test: a console error, uncaught page error or CSP violation in
 * any window since the last check (the spec's beforeAll included) fails the test that saw it.
 * A step that provokes one on purpose says so with `consoleWatch.allow(/…/)` for that test.
 * Electron's windows are not a browser context of this kind: its spec calls watchConsole on
 * the app's context itself.
 */
import { test as base, expect } from '@playwright/test';
import { watchConsole, type ConsoleWatch } from './console-watch.js';

export { expect };

export interface ConsoleFixture {
  /** Lets problems matching `pattern` pass, for the rest of this test only. */
  allow(pattern: RegExp): void;
  /** What was seen in every watched context since the last check. */
  problems(): string[];
  /** Drops what was seen so far. */
  forget(): void;
}

interface Registry {
  watches: ConsoleWatch[];
}

export const test = base.extend<{ consoleWatch: ConsoleFixture }, { consoleRegistry: Registry }>({
  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  consoleRegistry: [async ({}, use) => use({ watches: [] }), { scope: 'worker' }],
  browser: [
    async ({ browser, consoleRegistry }, use) => {
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => {
        const context = await newContext(options);
        consoleRegistry.watches.push(await watchConsole(context));
        return context;
      };
      await use(browser);
      browser.newContext = newContext;
    },
    { scope: 'worker' },
  ],
  consoleWatch: [
    async ({ consoleRegistry }, use) => {
      const allowed: RegExp[] = [];
      const all = () => consoleRegistry.watches.flatMap((w) => w.problems);
      const forget = () => consoleRegistry.watches.forEach((w) => w.forget());
      await use({ allow: (p) => void allowed.push(p), problems: all, forget });
      const left = all().filter((p) => !allowed.some((a) => a.test(p)));
      forget();
      expect(left, 'console errors, page errors or CSP violations in a window').toEqual([]);
    },
    { auto: true },
  ],
});
