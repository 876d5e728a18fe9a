/**
 * The viewer's picture settings per computer (noVNC's JPEG quality and compression level), kept
 * in the app's config folder so a slow link's choice survives closing the viewer and the app.
 */
import { join } from 'node:path';
import type { ViewerPrefs } from '../shared/ipc/types.js';
import { readJson, writeJson } from './json-file.js';

/** noVNC's own defaults for a viewer; the grid's thumbnails ask for less on their own. */
export const DEFAULT_VIEWER_PREFS: ViewerPrefs = { quality: 6, compression: 2 };
/** Enough for every computer a person keeps; the oldest choices go first past it. */
const MAX_KEPT = 500;

type Stored = Record<string, ViewerPrefs & { at: number }>;

export class ViewerPrefsStore {
  private readonly file: string;

  constructor(configDir: string) {
    this.file = join(configDir, 'viewer.json');
  }

  get(computerId: string): ViewerPrefs {
    const p = readJson<Stored>(this.file, {})[computerId];
    return p ? { quality: p.quality, compression: p.compression } : { ...DEFAULT_VIEWER_PREFS };
  }

  set(computerId: string, prefs: ViewerPrefs): ViewerPrefs {
    const all = readJson<Stored>(this.file, {});
    all[computerId] = { ...prefs, at: Date.now() };
    const kept = Object.entries(all)
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, MAX_KEPT);
    writeJson(this.file, Object.fromEntries(kept));
    return this.get(computerId);
  }
}
