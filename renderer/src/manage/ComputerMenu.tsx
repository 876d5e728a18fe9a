/** A computer's "More" menu in the list: clone, move, resize, each in its own dialog. */
import { useEffect, useRef, useState } from 'react';
import type { ComputerView, WorkspaceView } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';
import { useToast } from '../hooks/useToasts';
import { CloneDialog } from './CloneDialog';
import { MoveDialog } from './MoveDialog';
import { ResizeDialog } from './ResizeDialog';
import '../styles/manage.css';

type Dialog = 'clone' | 'move' | 'resize';

export function ComputerMenu({ computer: c, workspaces, disabled }: { computer: ComputerView; workspaces: readonly WorkspaceView[]; disabled: boolean }) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    const key = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', key);
    };
  }, [open]);

  const choose = (d: Dialog) => {
    setOpen(false);
    setDialog(d);
  };
  const item = (d: Dialog, label: string, sub: string) => (
    <button className="menu-item" role="menuitem" onClick={() => choose(d)} data-testid={`menu-${d}`}>
      <span className="menu-label">
        <span>{label}</span>
        <span className="menu-sub">{sub}</span>
      </span>
    </button>
  );

  return (
    <div className="row-menu" ref={ref}>
      <button className="icon-button" title="More: clone, move, resize" aria-label="More" aria-haspopup="menu" aria-expanded={open} disabled={disabled} onClick={() => setOpen(!open)} data-testid="computer-menu">
        <Icon name="more" />
      </button>
      {open && (
        <div className="menu row-menu-list" role="menu" aria-label={`${c.name} actions`}>
          {item('clone', 'Clone…', 'A running copy of the whole disk')}
          {item('move', 'Move to workspace…', workspaces.length > 1 ? 'Another workspace of this account' : 'Needs a second workspace')}
          {item('resize', 'Resize…', `${c.cpu} vCPU · ${c.ram} GB RAM · ${c.disk_size_gb} GB disk`)}
        </div>
      )}
      {dialog === 'clone' && <CloneDialog computer={c} workspaces={workspaces} onClose={() => setDialog(null)} onCloned={(k) => toast({ kind: 'success', title: `“${k.name}” is ${k.status === 'running' ? 'running' : k.status}`, detail: `A clone of “${c.name}”` })} />}
      {dialog === 'move' && <MoveDialog computer={c} workspaces={workspaces} onClose={() => setDialog(null)} onMoved={(w) => toast({ kind: 'success', title: `Moved “${c.name}” to “${w.name}”` })} />}
      {dialog === 'resize' && <ResizeDialog computer={c} onClose={() => setDialog(null)} />}
    </div>
  );
}
