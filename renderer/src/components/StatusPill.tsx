import type { ShownStatus as ComputerStatus } from '../../../shared/ipc/types';
import { STATUS_LABEL, statusTone } from './status';

export function StatusPill({ status }: { status: ComputerStatus }) {
  const tone = statusTone(status);
  return (
    <span className={`pill pill-${tone}`} data-status={status}>
      <span className="dot" />
      {STATUS_LABEL[status]}
    </span>
  );
}
