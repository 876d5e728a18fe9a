/** A small "Copy" button that says "Copied" for a moment once the clipboard took the text. */
import { useState } from 'react';
import { Icon } from './Icon';

export function CopyButton({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      className="tool"
      aria-label={`Copy ${label}`}
      data-testid={testId}
      onClick={() =>
        void navigator.clipboard
          ?.writeText(text)
          .then(() => (setDone(true), setTimeout(() => setDone(false), 1500)))
          .catch(() => {})
      }
    >
      <Icon name={done ? 'check' : 'copy'} size={13} /> {done ? 'Copied' : 'Copy'}
    </button>
  );
}
