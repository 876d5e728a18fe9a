/**
 * The session and computers list the launcher put into this page's HTML (shared/ipc/first-data.ts),
 * read once. The window's first render uses them; from then on it is live IPC as before. In
 * Electron, tests and reloads without the block, both are null and the window asks.
 */
import { FIRST_DATA_ID, type FirstData } from '../../shared/ipc/first-data';

function read(): FirstData {
  const el = document.getElementById(FIRST_DATA_ID);
  el?.remove();
  try {
    const d = el?.textContent ? (JSON.parse(el.textContent) as Partial<FirstData>) : {};
    return { session: d.session ?? null, computers: d.computers ?? null };
  } catch {
    return { session: null, computers: null };
  }
}

let first: FirstData | null = null;

/** What the page was served with, until a window's hooks have started (consumed()), then nothing. */
export function firstData(): FirstData {
  first ??= typeof document === 'undefined' ? { session: null, computers: null } : read();
  return first;
}

/**
 * Renders on the server (first-view.tsx) with `data` as the page will read it, so both first
 * passes see the same. Synchronous: nothing else renders in between.
 */
export function servedWith<T>(data: FirstData, render: () => T): T {
  first = { ...data };
  try {
    return render();
  } finally {
    first = null;
  }
}

/** A mounted window has taken it: a later one (a remount, another profile) must ask. */
export function consumed(part: keyof FirstData): void {
  firstData()[part] = null;
}
