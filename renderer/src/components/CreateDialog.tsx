import { useState } from 'react';
import { CPU_COUNTS, DEFAULT_DISK_GB, RAM_GB } from '../../../shared/api/spec-values';
import type { WorkspaceView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';
import { NAME_MAX, createProblems } from './createForm';
import { Modal } from './Modal';
import { ModalFooter } from './ModalFooter';
import { ModalForm } from './ModalForm';
import { useModalSubmit } from './useModalSubmit';
import { WorkspaceOptions } from './WorkspaceOptions';

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
  // As typed: a value out of range is shown as a problem, never changed behind the person's back.
  const [disk, setDisk] = useState(String(DEFAULT_DISK_GB));
  const [resolution, setResolution] = useState('1280x720x24');
  const [autoStop, setAutoStop] = useState(0);
  const problems = createProblems({ name, newWorkspace: workspace === NEW_WORKSPACE ? newWorkspace : null, disk });
  const why = Object.values(problems)[0];

  const { busy, error, submit } = useModalSubmit(why, async () => {
    let workspaceId = workspace;
    if (workspace === NEW_WORKSPACE) workspaceId = (await orgo.workspaces.create({ name: newWorkspace.trim() })).id;
    await orgo.computers.create({ workspace_id: workspaceId, name: name.trim(), ram, cpu, disk_size_gb: Number(disk), resolution, auto_stop_minutes: autoStop });
    onCreated(name.trim());
    onClose();
  }, `Could not create “${name.trim()}”`);
  const count = (v: string) => (
    <span className={`char-count${[...v.trim()].length > NAME_MAX ? ' over' : ''}`} aria-live="polite">
      {[...v.trim()].length} / {NAME_MAX}
    </span>
  );

  return (
    <Modal
      title="New computer"
      onClose={busy ? () => {} : onClose}
      width={520}
      footer={<ModalFooter name="create" busy={busy} why={why} label="Create computer" busyLabel="Creating…" onCancel={onClose} onSubmit={submit} />}
    >
      <ModalForm onSubmit={submit} error={error}>
        <label className="field wide">
          <span className="field-label">
            Name {count(name)}
          </span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="agent-1" autoFocus aria-label="Name" aria-invalid={!!problems.name} />
          {problems.name && name && <span className="field-problem">{problems.name}</span>}
        </label>
        <label className="field wide">
          <span>Workspace</span>
          <select value={workspace} onChange={(e) => setWorkspace(e.target.value)} aria-label="Workspace">
            <WorkspaceOptions workspaces={workspaces} />
            <option value={NEW_WORKSPACE}>New workspace…</option>
          </select>
        </label>
        {workspace === NEW_WORKSPACE && (
          <label className="field wide">
            <span className="field-label">
              New workspace name {count(newWorkspace)}
            </span>
            <input value={newWorkspace} onChange={(e) => setNewWorkspace(e.target.value)} aria-label="New workspace name" aria-invalid={!!problems.newWorkspace} />
            {problems.newWorkspace && <span className="field-problem">{problems.newWorkspace}</span>}
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
            <input inputMode="numeric" value={disk} onChange={(e) => setDisk(e.target.value)} aria-label="Disk" aria-invalid={!!problems.disk} />
            <span>GB</span>
          </div>
          {problems.disk && <span className="field-problem">{problems.disk}</span>}
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
