/**
 * Sizes and times in words people read. Sizes are the app's (shared/ipc/sizes.ts): binary units
 * labelled KB/MB/GB, as the host's --max-upload-mb and the disk and memory sizes are, so the CLI
 * and a window print the same file's size the same way.
 */
export { formatBytes } from '../shared/ipc/sizes.js';

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
