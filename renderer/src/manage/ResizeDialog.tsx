/** Resize a computer: vCPUs, RAM, disk (grow only), bandwidth, auto-stop; then the API's result per field. */
import { useState } from 'react';
import type { ResizeAnswer } from '../../../shared/api/manage';
import { CPU_COUNTS, RAM_GB } from '../../../shared/api/spec-values';
import type { ComputerView } from '../../../shared/ipc/types';
import { Modal } from '../components/Modal';
import { ModalFooter } from '../components/ModalFooter';
import { ModalForm } from '../components/ModalForm';
import { useModalSubmit } from '../components/useModalSubmit';
import { orgo } from '../orgo';
import { initialValues, resizeChanges, resizeProblems, resultHeadline, resultLines, type ResizeValues } from './resizeForm';

const AUTO_STOP = [0, 15, 30, 60, 240];

export function ResizeDialog({ computer: c, onClose }: { computer: ComputerView; onClose: () => void }) {
  const [v, setV] = useState<ResizeValues>(() => initialValues(c));
  const [answer, setAnswer] = useState<ResizeAnswer | null>(null);
  const running = c.status === 'running';
  const problems = resizeProblems(v, c);
  const why = Object.values(problems)[0];
  const set = (patch: Partial<ResizeValues>) => setV((old) => ({ ...old, ...patch }));

  const { busy, error, submit } = useModalSubmit(why, async () => {
    setAnswer(await orgo.computers.resize({ id: c.id, ...resizeChanges(v, c) }));
  }, `Could not resize “${c.name}”`);

  if (answer) {
    const lines = resultLines(answer);
    return (
      <Modal title={`Resized “${c.name}”`} onClose={onClose} width={520} footer={<button className="button primary" onClick={onClose} data-testid="resize-done">Done</button>}>
        <p className="modal-text" data-testid="resize-headline">
          {resultHeadline(answer)}
        </p>
        <ul className="resize-results" data-testid="resize-results">
          {lines.map((l) => (
            <li key={l.field} className={`resize-result outcome-${l.outcome}`} data-field={l.field} data-outcome={l.outcome}>
              <span className="resize-field">{l.label}</span>
              <span className="resize-words">{l.words}</span>
            </li>
          ))}
        </ul>
      </Modal>
    );
  }

  const liveNote = running ? null : 'vCPUs, RAM and bandwidth are limits on a running computer: start it to change them.';
  return (
    <Modal
      title={`Resize “${c.name}”`}
      onClose={busy ? () => {} : onClose}
      width={520}
      footer={<ModalFooter name="resize" busy={busy} why={why} label="Resize" busyLabel="Resizing…" onCancel={onClose} onSubmit={submit} />}
    >
      <ModalForm onSubmit={submit} error={error}>
        <p className="modal-text wide muted">Limits the host enforces. CPU, RAM and bandwidth change live; a disk grows now where it can, else at the next start.</p>
        <label className="field">
          <span>vCPUs</span>
          <select value={v.vcpus} onChange={(e) => set({ vcpus: Number(e.target.value) })} aria-label="vCPUs" disabled={!running}>
            {CPU_COUNTS.map((n) => (
              <option key={n} value={n}>
                {n} vCPU{n === 1 ? '' : 's'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>RAM</span>
          <select value={v.mem_gb} onChange={(e) => set({ mem_gb: Number(e.target.value) })} aria-label="RAM" disabled={!running}>
            {RAM_GB.map((n) => (
              <option key={n} value={n}>
                {n} GB
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Disk (grow only)</span>
          <div className="input-suffix">
            <input inputMode="numeric" value={v.disk} onChange={(e) => set({ disk: e.target.value })} aria-label="Disk" aria-invalid={!!problems.disk} />
            <span>GB</span>
          </div>
          {problems.disk && <span className="field-problem">{problems.disk}</span>}
        </label>
        <label className="field">
          <span>Bandwidth</span>
          <div className="input-suffix">
            <input inputMode="numeric" value={v.bandwidth} placeholder="no limit" onChange={(e) => set({ bandwidth: e.target.value })} aria-label="Bandwidth" aria-invalid={!!problems.bandwidth} disabled={!running} />
            <span>Mbit/s</span>
          </div>
          {problems.bandwidth && <span className="field-problem">{problems.bandwidth}</span>}
        </label>
        <label className="field wide">
          <span>Auto-stop</span>
          <select value={v.autoStop} onChange={(e) => set({ autoStop: Number(e.target.value) })} aria-label="Auto-stop">
            {[...new Set([...AUTO_STOP, c.auto_stop_minutes])].sort((a, b) => a - b).map((m) => (
              <option key={m} value={m}>
                {m === 0 ? 'Never (runs continuously)' : `After ${m} idle minutes`}
              </option>
            ))}
          </select>
        </label>
        {liveNote && (
          <p className="modal-text wide muted" data-testid="resize-live-note">
            {liveNote}
          </p>
        )}
      </ModalForm>
    </Modal>
  );
}
