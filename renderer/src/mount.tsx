import type { ReactNode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { windowTree } from './tree';
import './styles/app.css';

/**
 * Every kind of window renders the same way: one root, toasts around the view. A root that holds
 * the launcher's server-rendered first view (browser mode's main window, first-view.tsx) is
 * hydrated: the list is on screen before this code has loaded, and React takes it over as is.
 */
export function mount(view: ReactNode, { hydrate = false } = {}): void {
  const root = document.getElementById('root')!;
  if (hydrate && root.hasChildNodes()) hydrateRoot(root, windowTree(view));
  else createRoot(root).render(windowTree(view));
}
