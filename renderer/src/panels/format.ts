/** Sizes and dates as people read them. */
export { formatBytes } from '../../../shared/ipc/sizes';

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
