/** The side panel: the showing panel's title and body; panels opened before stay mounted, hidden. */
import type { ReactNode } from 'react';
import { Icon } from '../components/Icon';
import type { PanelSpec } from './panels';

export interface SidePanelProps {
  panels: readonly PanelSpec[];
  panel: string | null;
  opened: ReadonlySet<string>;
  onClose: () => void;
  /** Shown in the head beside the title (the synced clipboard). */
  note?: ReactNode;
  body: (p: PanelSpec) => ReactNode;
}

export function SidePanel({ panels, panel, opened, onClose, note, body }: SidePanelProps) {
  if (opened.size === 0) return null;
  return (
    <aside className="side-panel" hidden={!panel} data-testid="side-panel" data-panel={panel ?? 'none'}>
      <div className="side-head">
        <h3>{panels.find((p) => p.id === panel)?.label}</h3>
        {note}
        <button className="tool icon-only" aria-label="Close the panel" onClick={onClose}>
          <Icon name="x" size={14} />
        </button>
      </div>
      {panels
        .filter((p) => opened.has(p.id))
        .map((p) => (
          <div key={p.id} className="side-slot" hidden={panel !== p.id} data-testid={`side-slot-${p.id}`}>
            {body(p)}
          </div>
        ))}
    </aside>
  );
}
