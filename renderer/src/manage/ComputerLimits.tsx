/** A computer's limits as its row shows them: what the host enforces (vCPUs, RAM, disk, bandwidth). */
import type { ComputerView } from '../../../shared/ipc/types';

export function ComputerLimits({ c }: { c: ComputerView }) {
  return (
    <span className="computer-limits" data-testid="limits" title="Limits the host enforces on this computer (Resize… in its menu changes them)">
      <span data-limit="cpu">
        {c.cpu} vCPU{c.cpu === 1 ? '' : 's'}
      </span>
      <span data-limit="ram">{c.ram} GB RAM</span>
      <span data-limit="disk">{c.disk_size_gb} GB disk</span>
      {c.bandwidth_limit_mbps ? <span data-limit="bandwidth">{c.bandwidth_limit_mbps} Mbit/s</span> : null}
    </span>
  );
}
