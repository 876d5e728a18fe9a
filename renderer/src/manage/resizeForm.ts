/**
 * The resize dialog's rules and words: which values changed (only those are sent), what stops
 * Resize, and each field's result as the API reports it (applied now, at the next start, or not,
 * with why), for people.
 */
import { MAX_DISK_GB } from '../../../shared/api/spec-values';
import type { FieldResult, ResizeAnswer, ResizeField } from '../../../shared/api/manage';
import type { ResizeFields } from '../../../shared/ipc/channels';
import type { ComputerView } from '../../../shared/ipc/types';

export interface ResizeValues {
  vcpus: number;
  mem_gb: number;
  disk: string;
  /** Mbit/s as typed; empty or 0: no limit. */
  bandwidth: string;
  autoStop: number;
}

export type ResizeProblems = Partial<Record<'disk' | 'bandwidth' | 'nothing', string>>;

/** What only a running computer can take (the API answers 409 otherwise). */
export const LIVE_ONLY: readonly ResizeField[] = ['vcpus', 'mem_gb', 'bandwidth_limit_mbps'];

export function initialValues(c: ComputerView): ResizeValues {
  return { vcpus: c.cpu, mem_gb: c.ram, disk: String(c.disk_size_gb), bandwidth: c.bandwidth_limit_mbps ? String(c.bandwidth_limit_mbps) : '', autoStop: c.auto_stop_minutes };
}

const bandwidthOf = (v: string): number | null => (v.trim() === '' || Number(v) === 0 ? null : Number(v));

export function resizeChanges(v: ResizeValues, c: ComputerView): ResizeFields {
  const out: ResizeFields = {};
  if (v.vcpus !== c.cpu) out.vcpus = v.vcpus;
  if (v.mem_gb !== c.ram) out.mem_gb = v.mem_gb;
  if (Number(v.disk) !== c.disk_size_gb) out.disk_size_gb = Number(v.disk);
  const bw = bandwidthOf(v.bandwidth);
  if (bw !== (c.bandwidth_limit_mbps ?? null)) out.bandwidth_limit_mbps = bw ?? 0;
  if (v.autoStop !== c.auto_stop_minutes) out.auto_stop_minutes = v.autoStop;
  return out;
}

export function resizeProblems(v: ResizeValues, c: ComputerView): ResizeProblems {
  const p: ResizeProblems = {};
  const disk = v.disk.trim();
  if (!/^\d+$/.test(disk)) p.disk = 'Disk must be a whole number of GB';
  else if (Number(disk) < c.disk_size_gb) p.disk = `A disk only grows: it is ${c.disk_size_gb} GB now`;
  else if (Number(disk) > MAX_DISK_GB) p.disk = `Disk must be at most ${MAX_DISK_GB} GB`;
  const bw = v.bandwidth.trim();
  if (bw !== '' && !/^\d+$/.test(bw)) p.bandwidth = 'Bandwidth must be a whole number of Mbit/s (empty: no limit)';
  else if (Number(bw) > 10_000) p.bandwidth = 'Bandwidth must be at most 10000 Mbit/s';
  if (!p.disk && !p.bandwidth && Object.keys(resizeChanges(v, c)).length === 0) p.nothing = 'Change a value to resize';
  return p;
}

export const FIELD_LABEL: Record<ResizeField, string> = {
  vcpus: 'vCPUs',
  mem_gb: 'RAM',
  disk_size_gb: 'Disk',
  bandwidth_limit_mbps: 'Bandwidth',
  auto_stop_minutes: 'Auto-stop',
};

export function fieldValue(field: ResizeField, v: number | null): string {
  switch (field) {
    case 'vcpus':
      return `${v} vCPU${v === 1 ? '' : 's'}`;
    case 'mem_gb':
    case 'disk_size_gb':
      return `${v} GB`;
    case 'bandwidth_limit_mbps':
      return v ? `${v} Mbit/s` : 'no limit';
    case 'auto_stop_minutes':
      return v ? `after ${v} idle min` : 'never';
  }
}

export interface ResultLine {
  field: ResizeField;
  label: string;
  outcome: 'now' | 'next_start' | 'failed';
  words: string;
}

export function resultLines(answer: ResizeAnswer): ResultLine[] {
  return (Object.entries(answer.results) as Array<[ResizeField, FieldResult]>).map(([field, r]) => {
    const label = FIELD_LABEL[field] ?? field;
    if (!r.ok) return { field, label, outcome: 'failed', words: `Not changed (still ${fieldValue(field, r.applied)}): ${r.error ?? 'refused'}` };
    if (r.takes_effect === 'next_start') return { field, label, outcome: 'next_start', words: `${fieldValue(field, r.applied)} from the next start (recorded now)` };
    return { field, label, outcome: 'now', words: `${fieldValue(field, r.applied)}, in effect now` };
  });
}

export function resultHeadline(answer: ResizeAnswer): string {
  const lines = resultLines(answer);
  const failed = lines.filter((l) => l.outcome === 'failed').length;
  if (failed === 0) return lines.some((l) => l.outcome === 'next_start') ? 'Resized: some changes take effect at the next start' : 'Resized: every change is in effect now';
  if (failed === lines.length) return 'None of the changes could be applied';
  return 'Some changes were applied, some were not';
}
