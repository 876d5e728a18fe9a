/** Move a computer to another workspace (its files stay with the workspace they were uploaded to). */
import { useState } from 'react';
import type { ComputerView, WorkspaceView } from '../../../shared/ipc/types';
import { Modal } from '../components/Modal';
import { ModalFooter } from '../components/ModalFooter';
import { ModalForm } from '../components/ModalForm';
import { useModalSubmit } from '../components/useModalSubmit';
import { WorkspaceOptions } from '../components/WorkspaceOptions';
import { orgo } from '../orgo';

export function MoveDialog({ computer: c, workspaces, onClose, onMoved }: { computer: ComputerView; workspaces: readonly WorkspaceView[]; onClose: () => void; onMoved: (to: WorkspaceView) => void }) {
  const others = workspaces.filter((w) => w.id !== c.workspace_id);
  const [target, setTarget] = useState(others[0]?.id ?? '');
  const from = workspaces.find((w) => w.id === c.workspace_id)?.name ?? 'its workspace';
  const why = others.length ? undefined : 'There is no other workspace: create one first';

  const { busy, error, submit } = useModalSubmit(why, async () => {
    await orgo.computers.move({ id: c.id, workspace_id: target });
    onMoved(others.find((w) => w.id === target)!);
    onClose();
  }, `Could not move “${c.name}”`);

  return (
    <Modal
      title={`Move “${c.name}”`}
      onClose={busy ? () => {} : onClose}
      width={460}
      footer={<ModalFooter name="move" busy={busy} why={why} label="Move" busyLabel="Moving…" onCancel={onClose} onSubmit={submit} />}
    >
      <ModalForm onSubmit={submit} error={error}>
        <p className="modal-text wide muted">From “{from}”. It keeps running; keys scoped to “{from}” no longer reach it.</p>
        <label className="field wide">
          <span>To workspace</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="To workspace" disabled={!others.length}>
            <WorkspaceOptions workspaces={others} />
          </select>
        </label>
      </ModalForm>
    </Modal>
  );
}
