/**
 * End-to-end tests: the app in browser mode (and in Electron where its binary exists) against a
 * real host with real desktops, driven through Debian's Chromium. One worker: desktops are
 * real processes on a small machine. Screenshots of every window go to test-results/e2e-screenshots.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  workers: 1,
  // One retry, as for the unit and host suites (scripts/test.sh); scripts/summary.mjs names each
  // test that needed it.
  retries: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  outputDir: 'test-results/e2e-output',
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    viewport: { width: 1180, height: 760 },
    launchOptions: {
      executablePath: process.env.ORGO_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
