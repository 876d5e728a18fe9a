/**
 * Which side panel shows (one at a time, or none; remembered), and which have been opened:
 * panels stay mounted once opened, so a terminal keeps its shell while another panel shows.
 */
import { useState } from 'react';
import { useStored } from '../hooks/useStored';

export interface Panels {
  panel: string | null;
  opened: ReadonlySet<string>;
  /** Shows `id`, or hides it if it is the one showing. */
  toggle: (id: string) => void;
}

export function usePanels(ids: readonly string[]): Panels {
  const [stored, setStored] = useStored<string>('viewer.panel', 'none', [...ids, 'none']);
  const panel = stored === 'none' ? null : stored;
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set(panel ? [panel] : []));
  const toggle = (id: string) => {
    const next = panel === id ? null : id;
    setStored(next ?? 'none');
    if (next) setOpened((o) => new Set(o).add(next));
  };
  return { panel, opened, toggle };
}
