/**
 * What the launcher puts into the main window's first HTML: the session and the computers list
 * as they were when the page was served, so the window renders the list on its first pass
 * instead of waiting for its IPC connection and two answers. A non-executed JSON data block
 * (`<script type="application/json">`), which the pages' CSP (`script-src 'self'`) does not
 * govern. Both are the views the renderer is sent over IPC anyway (shared/ipc/types.ts: no API
 * key, no VNC password); either may be missing (not known in time), and then the window asks.
 */
import type { ComputersSnapshot, SessionView } from './types.js';

export const FIRST_DATA_ID = 'orgo-first-data';

export interface FirstData {
  session: SessionView | null;
  computers: ComputersSnapshot | null;
}

/**
 * The data block's element. `<`, `>` and `&` are written as JSON escapes, so no value (a
 * computer named `</script><script>…`) can end the element or open a comment in it; JSON.parse
 * reads them back as they were.
 */
export function firstDataScript(data: FirstData): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return `<script type="application/json" id="${FIRST_DATA_ID}">${json}</script>`;
}
