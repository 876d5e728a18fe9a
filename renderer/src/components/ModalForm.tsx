import type { ReactNode } from 'react';

/** A dialog's fields: Enter submits (through a hidden submit button); the error shows below the fields. */
export function ModalForm({ onSubmit, error, children }: { onSubmit: () => Promise<void>; error: string | null; children: ReactNode }) {
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      {children}
      {error && (
        <div className="form-error wide" role="alert">
          {error}
        </div>
      )}
      <button type="submit" hidden />
    </form>
  );
}
