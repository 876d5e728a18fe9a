import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { primeComputers } from './hooks/useComputers';
import { primeSession } from './hooks/useSession';
import { ToastProvider } from './hooks/useToasts';
import { primeViewer } from './vnc/prime';
import './styles/app.css';
// The main window is what launch waits for: in the first bundle, not behind a second request.
import { MainWindow } from './views/MainWindow';

/**
 * One app, three kinds of window, chosen by the address: #/viewer/ID, #/grid, or the main window.
 * Viewer and grid load their own code (noVNC only where a desktop is shown) when opened.
 */
async function route(): Promise<ReactNode> {
  // Every window needs both; ask now, while its code loads.
  primeSession();
  primeComputers();
  const m = /^#\/viewer\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m) {
    primeViewer(m[1]!);
    const { ViewerWindow } = await import('./views/ViewerWindow');
    return <ViewerWindow computerId={m[1]!} />;
  }
  if (location.hash === '#/grid') {
    const { GridWindow } = await import('./views/GridWindow');
    return <GridWindow />;
  }
  window.name = 'orgo-main';
  return <MainWindow />;
}

void route().then((view) =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ToastProvider>{view}</ToastProvider>
    </StrictMode>,
  ),
);
