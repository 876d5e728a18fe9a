import { StrictMode, useEffect, type ReactNode } from 'react';
import { ToastProvider } from './hooks/useToasts';

/**
 * The root element carries `inert` while it shows the launcher's server-rendered markup
 * (electron/browser-mode/first-view.ts): its buttons do nothing until React has hydrated them,
 * so they take no clicks until then. Renders nothing, so the markup is the same either way.
 */
function Live() {
  useEffect(() => document.getElementById('root')?.removeAttribute('inert'), []);
  return null;
}

/** Every kind of window's tree: toasts around the view. The same on the server and in the page, so hydration matches. */
export function windowTree(view: ReactNode): ReactNode {
  return (
    <StrictMode>
      <ToastProvider>{view}</ToastProvider>
      <Live />
    </StrictMode>
  );
}
