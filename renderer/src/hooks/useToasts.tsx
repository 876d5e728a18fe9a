import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { Icon } from '../components/Icon';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  title: string;
  detail?: string;
}

const Ctx = createContext<(t: Omit<Toast, 'id'>) => void>(() => {});
let next = 1;

/** Errors and confirmations in words, in the corner; errors stay until dismissed. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (t: Omit<Toast, 'id'>) => {
      const id = next++;
      setToasts((ts) => [...ts.slice(-3), { ...t, id }]);
      if (t.kind !== 'error') setTimeout(() => dismiss(id), 4500);
    },
    [dismiss],
  );
  return (
    <Ctx.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : undefined}>
            <Icon name={t.kind === 'error' ? 'alert' : 'check'} size={18} />
            <div className="toast-text">
              <div className="toast-title">{t.title}</div>
              {t.detail && <div className="toast-detail">{t.detail}</div>}
            </div>
            <button className="icon-button subtle" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              <Icon name="x" size={14} />
            </button>
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}

export const useToast = () => useContext(Ctx);
