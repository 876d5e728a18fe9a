import type { ComputerStatus } from '../../../shared/api/specs';

export const STATUS_LABEL: Record<ComputerStatus, string> = {
  creating: 'Creating',
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  stopped: 'Stopped',
  suspended: 'Suspended',
  restarting: 'Restarting',
  deleting: 'Deleting',
  error: 'Error',
};

export const TRANSITIONAL = new Set<ComputerStatus>(['creating', 'starting', 'stopping', 'restarting', 'deleting']);

export function statusTone(s: ComputerStatus): 'ok' | 'busy' | 'off' | 'bad' {
  if (s === 'running') return 'ok';
  if (TRANSITIONAL.has(s)) return 'busy';
  if (s === 'error' || s === 'suspended') return 'bad';
  return 'off';
}
