import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ToastProvider } from './hooks/useToasts';
import './styles/app.css';
import { GridWindow } from './views/GridWindow';
import { MainWindow } from './views/MainWindow';
import { ViewerWindow } from './views/ViewerWindow';

/** One bundle, three kinds of window, chosen by the address: #/viewer/ID, #/grid, or the main window. */
function route() {
  const m = /^#\/viewer\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m) return <ViewerWindow computerId={m[1]!} />;
  if (location.hash === '#/grid') return <GridWindow />;
  window.name = 'orgo-main';
  return <MainWindow />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ToastProvider>{route()}</ToastProvider>
  </StrictMode>,
);
