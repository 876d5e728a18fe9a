/**
 * Fails a spec on what a user's devtools would show in red: any console error, uncaught page
 * error or Content-Security-Policy violation, in any window of the context (main, viewer, grid,
 * and windows opened later). `expectClean()` names each problem with its page.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';

export interface ConsoleWatch {
  problems: string[];
  /** Asserts nothing went wrong since the watch began (or since the last `forget`). */
  expectClean(): void;
  /** Drops what was seen so far, for a step that provokes an error on purpose. */
  forget(): void;
}

export async function watchConsole(context: BrowserContext, allow: RegExp[] = []): Promise<ConsoleWatch> {
  const problems: string[] = [];
  const note = (page: Page, what: string) => {
    if (allow.some((a) => a.test(what))) return;
    problems.push(`${new URL(page.url() || 'about:blank').pathname || page.url()}: ${what}`);
  };
  // A CSP violation event, as well as the console line, so one the browser does not log still counts.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`[csp] ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const attach = (page: Page) => {
    page.on('console', (m) => m.type() === 'error' && note(page, m.text()));
    page.on('pageerror', (e) => note(page, `uncaught: ${e.message}`));
  };
  context.pages().forEach(attach);
  context.on('page', attach);
  return {
    problems,
    expectClean: () => expect(problems, 'console errors or CSP violations in a window').toEqual([]),
    forget: () => void problems.splice(0),
  };
}
