import type { ShownStatus as ComputerStatus } from '../../../shared/ipc/types';

export const STATUS_LABEL: Record<ComputerStatus, string> = {
  creating: 'Creating',
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  stopped: 'Stopped',
  suspended: 'Suspended',
  // A restart's first half (the host says `starting` for its second): see host/services/computers.ts.
  restarting: 'Stopping to restart',
  deleting: 'Deleting',
  error: 'Error',
  // The host does not answer: what the computer is doing cannot be known.
  unknown: 'Unknown',
};

export const TRANSITIONAL = new Set<ComputerStatus>(['creating', 'starting', 'stopping', 'restarting', 'deleting']);

export function statusTone(s: ComputerStatus): 'ok' | 'busy' | 'off' | 'bad' {
  if (s === 'running') return 'ok';
  if (TRANSITIONAL.has(s)) return 'busy';
  if (s === 'error' || s === 'suspended') return 'bad';
  return 'off';
}
