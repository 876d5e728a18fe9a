import { useState } from 'react';
import { CPU_COUNTS, DEFAULT_DISK_GB, RAM_GB } from '../../../shared/api/specs';
import type { WorkspaceView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';
import { Modal } from './Modal';
import { ModalForm } from './ModalForm';

const RESOLUTIONS = ['1280x720x24', '1366x768x24', '1440x900x24', '1600x900x24', '1920x1080x24', '1024x768x24'];
const AUTO_STOP = [
  [0, 'Never (runs continuously)'],
  [15, 'After 15 idle minutes'],
  [30, 'After 30 idle minutes'],
  [60, 'After 1 idle hour'],
  [240, 'After 4 idle hours'],
] as const;
const NEW_WORKSPACE = '__new__';

function suggestName(): string {
  const words = ['atlas', 'beacon', 'cedar', 'delta', 'ember', 'fjord', 'harbor', 'juniper', 'lumen', 'meadow', 'nova', 'orbit', 'pine', 'quartz', 'ridge', 'summit'];
  return `${words[Math.floor(Math.random() * words.length)]}-${Math.floor(Math.random() * 90 + 10)}`;
}

/** New computer: name, workspace, RAM, CPU, disk, resolution, auto-stop. Errors stay in the dialog. */
export function CreateDialog({ workspaces, defaultWorkspace, onClose, onCreated }: { workspaces: WorkspaceView[]; defaultWorkspace: string | null; onClose: () => void; onCreated: (name: string) => void }) {
  const [name, setName] = useState(suggestName);
  const [workspace, setWorkspace] = useState(defaultWorkspace ?? workspaces[0]?.id ?? NEW_WORKSPACE);
  const [newWorkspace, setNewWorkspace] = useState(workspaces.length ? '' : 'Default');
  const [ram, setRam] = useState(4);
  const [cpu, setCpu] = useState(1);
  const [disk, setDisk] = useState(DEFAULT_DISK_GB);
  const [resolution, setResolution] = useState('1280x720x24');
  const [autoStop, setAutoStop] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      let workspaceId = workspace;
      if (workspace === NEW_WORKSPACE) workspaceId = (await orgo.workspaces.create({ name: newWorkspace.trim() || 'Default' })).id;
      await orgo.computers.create({ workspace_id: workspaceId, name: name.trim(), ram, cpu, disk_size_gb: disk, resolution, auto_stop_minutes: autoStop });
      onCreated(name.trim());
      onClose();
    } catch (e) {
      setError(`Could not create “${name.trim()}”: ${(e as Error).message}`);
      setBusy(false);
    }
  };

  return (
    <Modal
      title="New computer"
      onClose={busy ? () => {} : onClose}
      width={520}
      footer={
        <>
          <button className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button className="button primary" onClick={submit} disabled={busy || !name.trim()} data-testid="create-submit">
            {busy ? <span className="spinner" /> : null}
            {busy ? 'Creating…' : 'Create computer'}
          </button>
        </>
      }
    >
      <ModalForm onSubmit={submit} error={error}>
        <label className="field wide">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="agent-1" autoFocus aria-label="Name" />
        </label>
        <label className="field wide">
          <span>Workspace</span>
          <select value={workspace} onChange={(e) => setWorkspace(e.target.value)} aria-label="Workspace">
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
            <option value={NEW_WORKSPACE}>New workspace…</option>
          </select>
        </label>
        {workspace === NEW_WORKSPACE && (
          <label className="field wide">
            <span>New workspace name</span>
            <input value={newWorkspace} onChange={(e) => setNewWorkspace(e.target.value)} maxLength={100} aria-label="New workspace name" />
          </label>
        )}
        <label className="field">
          <span>Memory</span>
          <select value={ram} onChange={(e) => setRam(Number(e.target.value))} aria-label="Memory">
            {RAM_GB.map((r) => (
              <option key={r} value={r}>
                {r} GB
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>CPU</span>
          <select value={cpu} onChange={(e) => setCpu(Number(e.target.value))} aria-label="CPU">
            {CPU_COUNTS.map((c) => (
              <option key={c} value={c}>
                {c} {c === 1 ? 'core' : 'cores'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Disk</span>
          <div className="input-suffix">
            <input type="number" min={1} max={1024} value={disk} onChange={(e) => setDisk(Math.max(1, Math.round(Number(e.target.value) || 1)))} aria-label="Disk" />
            <span>GB</span>
          </div>
        </label>
        <label className="field">
          <span>Screen</span>
          <select value={resolution} onChange={(e) => setResolution(e.target.value)} aria-label="Screen">
            {RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {r.split('x').slice(0, 2).join(' × ')}
              </option>
            ))}
          </select>
        </label>
        <label className="field wide">
          <span>Auto-stop</span>
          <select value={autoStop} onChange={(e) => setAutoStop(Number(e.target.value))} aria-label="Auto-stop">
            {AUTO_STOP.map(([m, label]) => (
              <option key={m} value={m}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </ModalForm>
    </Modal>
  );
}
