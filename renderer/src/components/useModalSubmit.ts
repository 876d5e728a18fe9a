import { useState } from 'react';
import { humanError } from './createForm';

/**
 * A dialog's one action: refused while `why` says what is wrong or it is already running; its
 * failure is kept as `error` in words ("Could not … : why"), and the dialog stays open to retry.
 */
export function useModalSubmit(why: string | undefined, run: () => Promise<void>, failure: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (why || busy) return;
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(`${failure}: ${humanError((e as Error).message)}`);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}
