/** Rename and delete the workspace chosen in the sidebar; delete asks first and says what goes with it. */
import { useState } from 'react';
import type { WorkspaceView } from '../../../shared/ipc/types';
import { NAME_MAX, humanError } from '../components/createForm';
import { Icon } from '../components/Icon';
import { Modal } from '../components/Modal';
import { ModalForm } from '../components/ModalForm';
import { useToast } from '../hooks/useToasts';
import { orgo } from '../orgo';
import '../styles/manage.css';

/** The delete dialog's words: what is removed with the workspace. */
export function deleteWorkspaceWords(name: string, computers: number): string {
  const files = 'the files uploaded to it';
  if (computers === 0) return `“${name}” has no computers. The workspace and ${files} are removed. This cannot be undone.`;
  const them = computers === 1 ? '1 computer' : `${computers} computers`;
  return `“${name}” and its ${them} (stopped and deleted, with everything on their disks) are removed, with ${files}. This cannot be undone.`;
}

export function renameProblem(name: string, current: string, others: readonly WorkspaceView[]): string | undefined {
  const n = name.trim();
  if (!n) return 'Give the workspace a name';
  if ([...n].length > NAME_MAX) return `Workspace name must be at most ${NAME_MAX} characters`;
  if (n === current) return 'That is its name already';
  if (others.some((w) => w.name === n)) return `A workspace named “${n}” already exists`;
  return undefined;
}

function RenameDialog({ workspace, workspaces, onClose }: { workspace: WorkspaceView; workspaces: readonly WorkspaceView[]; onClose: () => void }) {
  const toast = useToast();
  const [name, setName] = useState(workspace.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const why = renameProblem(name, workspace.name, workspaces.filter((w) => w.id !== workspace.id));
  const submit = async () => {
    if (why || busy) return;
    setBusy(true);
    try {
      const w = await orgo.workspaces.rename({ id: workspace.id, name: name.trim() });
      await orgo.computers.refresh();
      toast({ kind: 'success', title: `Renamed “${workspace.name}” to “${w.name}”` });
      onClose();
    } catch (e) {
      setError(`Could not rename “${workspace.name}”: ${humanError((e as Error).message)}`);
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Rename “${workspace.name}”`}
      onClose={busy ? () => {} : onClose}
      footer={
        <>
          <button className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          {why && !busy && name.trim() !== workspace.name && (
            <span className="footer-why" data-testid="rename-why">
              {why}
            </span>
          )}
          <button className="button primary" onClick={() => void submit()} disabled={busy || !!why} title={why} data-testid="rename-submit">
            {busy ? <span className="spinner" /> : null} Rename
          </button>
        </>
      }
    >
      <ModalForm onSubmit={submit} error={error}>
        <label className="field wide">
          <span className="field-label">
            Name{' '}
            <span className={`char-count${[...name.trim()].length > NAME_MAX ? ' over' : ''}`}>
              {[...name.trim()].length} / {NAME_MAX}
            </span>
          </span>
          <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Workspace name" autoFocus />
        </label>
      </ModalForm>
    </Modal>
  );
}

function DeleteDialog({ workspace, computers, onClose, onDeleted }: { workspace: WorkspaceView; computers: number; onClose: () => void; onDeleted: () => void }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await orgo.workspaces.delete({ id: workspace.id, force: computers > 0 });
      await orgo.computers.refresh();
      toast({ kind: 'success', title: `Deleted “${workspace.name}”`, detail: r.deleted_computers ? `and its ${r.deleted_computers === 1 ? 'computer' : `${r.deleted_computers} computers`}` : undefined });
      onDeleted();
      onClose();
    } catch (e) {
      setError(`Could not delete “${workspace.name}”: ${humanError((e as Error).message)}`);
      setBusy(false);
    }
  };
  const label = computers === 0 ? 'Delete workspace' : `Delete workspace and ${computers === 1 ? '1 computer' : `${computers} computers`}`;
  return (
    <Modal
      title={`Delete “${workspace.name}”?`}
      onClose={busy ? () => {} : onClose}
      footer={
        <>
          <button className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button className="button danger" onClick={() => void submit()} disabled={busy} data-testid="delete-workspace-confirm">
            {busy ? <span className="spinner" /> : null} {label}
          </button>
        </>
      }
    >
      <p className="modal-text" data-testid="delete-workspace-words">
        {deleteWorkspaceWords(workspace.name, computers)}
      </p>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
    </Modal>
  );
}

export function WorkspaceActions({ workspace, workspaces, computers, onDeleted }: { workspace: WorkspaceView; workspaces: readonly WorkspaceView[]; computers: number; onDeleted: () => void }) {
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  return (
    <div className="head-workspace">
      <button className="button" onClick={() => setDialog('rename')} data-testid="rename-workspace" title={`Rename “${workspace.name}”`}>
        Rename
      </button>
      <button className="icon-button danger-hover" aria-label="Delete workspace" title={`Delete “${workspace.name}”`} onClick={() => setDialog('delete')} data-testid="delete-workspace">
        <Icon name="trash" />
      </button>
      {dialog === 'rename' && <RenameDialog workspace={workspace} workspaces={workspaces} onClose={() => setDialog(null)} />}
      {dialog === 'delete' && <DeleteDialog workspace={workspace} computers={computers} onClose={() => setDialog(null)} onDeleted={onDeleted} />}
    </div>
  );
}
