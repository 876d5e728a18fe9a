/**
 * The main window's first view as HTML, for browser mode's launcher to put into the page it
 * serves (electron/browser-mode/first-view.ts): the same tree the page renders (tree.tsx,
 * MainWindow) from the same first data, so the list shows once the HTML and its stylesheet are
 * in, and the page hydrates it (main.tsx) instead of rendering it again. Built for Node by the
 * renderer's build (vite.config.ts) as out/renderer-server/first-view.mjs. React escapes every
 * value: a name is text, whatever it holds.
 */
import { renderToString } from 'react-dom/server';
import type { FirstData } from '../../shared/ipc/first-data';
import { servedWith } from './first-data';
import { windowTree } from './tree';
import { MainWindow, mainContent } from './views/MainWindow';

/**
 * The markup for the root element, or null where the page had better render it itself: anything
 * but the list (sign-in counts down from the page's clock, the host's panel changes by the
 * second) or a list under a banner that says a time (the server's clock and locale may not be the
 * page's): those would not hydrate as rendered.
 */
export function renderFirstView(data: FirstData): string | null {
  const { session, computers } = data;
  const profile = session?.profiles.find((p) => p.id === session.activeId);
  if (!session || !profile || !computers || computers.profileId !== profile.id) return null;
  if (mainContent(session, profile, computers) !== 'list' || computers.error || computers.hostDown) return null;
  return servedWith(data, () => renderToString(windowTree(<MainWindow />)));
}
