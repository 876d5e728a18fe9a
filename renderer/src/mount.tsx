import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { ToastProvider } from './hooks/useToasts';
import './styles/app.css';

/** Every kind of window renders the same way: one root, toasts around the view. */
export function mount(view: ReactNode): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ToastProvider>{view}</ToastProvider>
    </StrictMode>,
  );
}
