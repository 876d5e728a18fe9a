/** A dialog's footer: Cancel, what keeps the action off (in words), and the action with its spinner. */
export function ModalFooter({ name, busy, why, label, busyLabel, onCancel, onSubmit }: {
  /** For tests: `${name}-submit` and `${name}-why`. */
  name: string;
  busy: boolean;
  why: string | undefined;
  label: string;
  busyLabel: string;
  onCancel: () => void;
  onSubmit: () => Promise<void>;
}) {
  return (
    <>
      <button className="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      {why && !busy && (
        <span className="footer-why" data-testid={`${name}-why`}>
          {why}
        </span>
      )}
      <button className="button primary" onClick={() => void onSubmit()} disabled={busy || !!why} title={why} data-testid={`${name}-submit`}>
        {busy ? <span className="spinner" /> : null}
        {busy ? busyLabel : label}
      </button>
    </>
  );
}
