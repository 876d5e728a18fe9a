/**
 * The `test` every e2e spec uses: Playwright's, with the console watch (console-watch.ts) on
 * every browser context a spec opens (browser.newContext, browser.newPage and the built-in
 * `page`), checked after each test: a console error, uncaught page error or CSP violation in
 * any window since the last check (the spec's beforeAll included) fails the test that saw it.
 * A step that provokes one on purpose says so with `consoleWatch.allow(/…/)` for that test.
 * Electron's windows are not a browser context of this kind: its spec hands the app's context
 * to `consoleRegistry.watch` (a worker fixture, so beforeAll has it).
 */
import { test as base, expect, type BrowserContext } from '@playwright/test';
import { watchAddressChanges, type AddressChanges } from './address-changes.js';
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

export interface ConsoleRegistry {
  watches: ConsoleWatch[];
  /** Puts a context made some other way (Electron's) under the watch. */
  watch(context: BrowserContext): Promise<void>;
}

/**
 * The one line let through without a test asking: Chromium's log of a load it aborted because the
 * machine's addresses changed (address-changes.ts), and only when they did change during the test
 * (another engineer's test network coming or going). The app loads again what was aborted (the
 * bridge reloads a page whose code failed, calls wait for the next connection, an upload that
 * never started goes again) and the specs check what the windows then show. The same line with
 * no address change, or any other console error, fails the test.
 */
const ADDRESS_CHANGE_NOISE = /: Failed to load resource: net::ERR_NETWORK_CHANGED$/;
/** An address change is noticed by Chromium a moment after `ip monitor` reports it, and vice versa. */
const SLACK_MS = 5000;

export const test = base.extend<{ consoleWatch: ConsoleFixture }, { consoleRegistry: ConsoleRegistry; addressChanges: AddressChanges & { lastCheck: number } }>({
  addressChanges: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const watch = watchAddressChanges();
      await use(Object.assign(watch, { lastCheck: Date.now() }));
      watch.stop();
    },
    { scope: 'worker' },
  ],
  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  consoleRegistry: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const watches: ConsoleWatch[] = [];
      await use({ watches, watch: async (context) => void watches.push(await watchConsole(context)) });
    },
    { scope: 'worker' },
  ],
  browser: [
    async ({ browser, consoleRegistry }, use) => {
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => {
        const context = await newContext(options);
        await consoleRegistry.watch(context);
        return context;
      };
      await use(browser);
      browser.newContext = newContext;
    },
    { scope: 'worker' },
  ],
  consoleWatch: [
    async ({ consoleRegistry, addressChanges }, use) => {
      const allowed: RegExp[] = [];
      const all = () => consoleRegistry.watches.flatMap((w) => w.problems);
      const forget = () => consoleRegistry.watches.forEach((w) => w.forget());
      await use({ allow: (p) => void allowed.push(p), problems: all, forget });
      const addressesChanged = addressChanges.since(addressChanges.lastCheck - SLACK_MS);
      const left = all().filter((p) => !(addressesChanged && ADDRESS_CHANGE_NOISE.test(p)) && !allowed.some((a) => a.test(p)));
      forget();
      addressChanges.lastCheck = Date.now();
      expect(left, 'console errors, page errors or CSP violations in a window').toEqual([]);
    },
    { auto: true },
  ],
});
