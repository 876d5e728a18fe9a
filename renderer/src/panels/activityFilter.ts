/**
 * Which desktop events the activity panel lists: not the types the person hid, not file changes
 * on noisy paths (the browser's caches and profile, thumbnails, lock and temporary files: dozens
 * a second while a page loads) unless they turned that filter off, and only those matching the text.
 */
import type { EventType } from '../../../shared/api/channels';
import { describeEvent, type Received } from '../hooks/useDesktopEvents';

const NOISY: RegExp[] = [/\/\.cache\//, /\/\.config\/(chromium|google-chrome)\//, /\/\.local\/share\/(recently-used|Trash|gvfs-metadata)/, /\/\.pki\//, /\/\.dbus\//, /\.(tmp|swp|swx|lock|part|crdownload)$/, /~$/];

export function noisyPath(path: string): boolean {
  return NOISY.some((r) => r.test(path));
}

export interface ActivityFilter {
  hidden: ReadonlySet<EventType>;
  text: string;
  hideNoisy: boolean;
}

export function isNoisy(r: Received): boolean {
  return r.event.type === 'file_change' && r.event.data.action !== 'overflow' && noisyPath(r.event.data.path ?? '');
}

export function shownEvents(events: readonly Received[], f: ActivityFilter): Received[] {
  const q = f.text.trim().toLowerCase();
  return events.filter((r) => !f.hidden.has(r.event.type) && !(f.hideNoisy && isNoisy(r)) && (!q || `${r.event.type} ${describeEvent(r.event)}`.toLowerCase().includes(q)));
}
