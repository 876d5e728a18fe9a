/** Clone a computer: a new one with a copy of its whole disk, running; name and workspace optional. */
import { useState } from 'react';
import type { ComputerView, WorkspaceView } from '../../../shared/ipc/types';
import { NAME_MAX } from '../components/createForm';
import { Modal } from '../components/Modal';
import { ModalFooter } from '../components/ModalFooter';
import { ModalForm } from '../components/ModalForm';
import { useModalSubmit } from '../components/useModalSubmit';
import { WorkspaceOptions } from '../components/WorkspaceOptions';
import { orgo } from '../orgo';

export function CloneDialog({ computer: c, workspaces, onClose, onCloned }: { computer: ComputerView; workspaces: readonly WorkspaceView[]; onClose: () => void; onCloned: (clone: ComputerView) => void }) {
  const [name, setName] = useState('');
  const [workspace, setWorkspace] = useState(c.workspace_id);
  const why = [...name.trim()].length > NAME_MAX ? `Name must be at most ${NAME_MAX} characters` : undefined;

  const { busy, error, submit } = useModalSubmit(why, async () => {
    const clone = await orgo.computers.clone({ id: c.id, name: name.trim() || undefined, workspace_id: workspace === c.workspace_id ? undefined : workspace });
    onCloned(clone);
    onClose();
  }, `Could not clone “${c.name}”`);

  return (
    <Modal
      title={`Clone “${c.name}”`}
      onClose={busy ? () => {} : onClose}
      width={480}
      footer={<ModalFooter name="clone" busy={busy} why={why} label="Clone" busyLabel="Cloning…" onCancel={onClose} onSubmit={submit} />}
    >
      <ModalForm onSubmit={submit} error={error}>
        <p className="modal-text wide muted">
          A new computer with a copy of the whole disk (files, installed programs, the browser’s logins), started for you. {c.status === 'running' ? 'This one keeps running.' : ''}
        </p>
        <label className="field wide">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={`${c.name.replace(/ \(clone(?: \d+)?\)$/, '')} (clone)`} aria-label="Clone name" autoFocus />
          {why && <span className="field-problem">{why}</span>}
        </label>
        <label className="field wide">
          <span>Workspace</span>
          <select value={workspace} onChange={(e) => setWorkspace(e.target.value)} aria-label="Workspace">
            <WorkspaceOptions workspaces={workspaces} />
          </select>
        </label>
      </ModalForm>
    </Modal>
  );
}
