/** The Chromium the app tests drive (Debian's, headless, as root), and what a page reports as wrong. */
import { chromium, type Browser, type Page } from 'playwright-core';

export function launchTestChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.ORGO_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
}

/** The page's console errors and uncaught exceptions from now on (CSP violations are console errors). */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}
