/**
 * The new-computer dialog's rules, in words a person reads: what stops Create (each field's
 * problem), and the app's or host's error messages turned from field names into labels
 * ("disk_size_gb must be at most 1024" → "Disk must be at most 1024 GB").
 */
import { MAX_DISK_GB } from '../../../shared/api/spec-values';

export const NAME_MAX = 100;

export interface CreateValues {
  name: string;
  newWorkspace: string | null;
  disk: string;
}

export type CreateProblems = Partial<Record<'name' | 'newWorkspace' | 'disk', string>>;

export function createProblems(v: CreateValues): CreateProblems {
  const p: CreateProblems = {};
  if (!v.name.trim()) p.name = 'Give the computer a name';
  else if ([...v.name.trim()].length > NAME_MAX) p.name = `Name must be at most ${NAME_MAX} characters`;
  if (v.newWorkspace !== null) {
    if (!v.newWorkspace.trim()) p.newWorkspace = 'Give the new workspace a name';
    else if ([...v.newWorkspace.trim()].length > NAME_MAX) p.newWorkspace = `Workspace name must be at most ${NAME_MAX} characters`;
  }
  const disk = v.disk.trim();
  if (!disk) p.disk = 'Disk size is required';
  else if (!/^-?\d+(\.\d+)?$/.test(disk)) p.disk = 'Disk must be a number of GB';
  else if (!Number.isInteger(Number(disk))) p.disk = 'Disk must be a whole number of GB';
  else if (Number(disk) < 1) p.disk = 'Disk must be at least 1 GB';
  else if (Number(disk) > MAX_DISK_GB) p.disk = `Disk must be at most ${MAX_DISK_GB} GB`;
  return p;
}

const LABELS: Record<string, string> = {
  disk_size_gb: 'Disk',
  name: 'Name',
  workspace_id: 'Workspace',
  ram: 'Memory',
  cpu: 'CPU',
  resolution: 'Screen',
  auto_stop_minutes: 'Auto-stop',
};
const UNITS: Record<string, string> = { disk_size_gb: 'GB', ram: 'GB' };

/** "Invalid input for computers.create: disk_size_gb: disk_size_gb must be at most 1024" → "Disk must be at most 1024 GB". */
export function humanError(message: string): string {
  const m = /^(?:Invalid input for [\w.]+: )?(?:([a-z_]+): )?(.*)$/s.exec(message.trim());
  if (!m) return message;
  let text = m[2]!;
  for (const [field, label] of Object.entries(LABELS)) {
    if (!text.startsWith(field + ' ')) continue;
    text = label + text.slice(field.length);
    const unit = UNITS[field];
    if (unit && /\d$/.test(text)) text += ` ${unit}`;
    return text.replace(/ of gigabytes$/, ' of GB');
  }
  return text.length ? text[0]!.toUpperCase() + text.slice(1) : message;
}
