// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { DesktopEvent } from '../../shared/api/channels';
import type { Received } from '../../renderer/src/hooks/useDesktopEvents';
import { noisyPath, shownEvents } from '../../renderer/src/panels/activityFilter';

const file = (seq: number, path: string): Received => ({ seq, event: { type: 'file_change', timestamp: '2026-12-01T10:00:00Z', data: { action: 'modified', path } } as unknown as DesktopEvent });

describe('the activity feed’s noisy-path filter', () => {
  it("knows the browser's cache churn from a person's files", () => {
    expect(noisyPath('/home/user/.cache/chromium/Default/Cache/Cache_Data/f_000123')).toBe(true);
    expect(noisyPath('/home/user/.config/chromium/Default/Preferences')).toBe(true);
    expect(noisyPath('/home/user/Desktop/report.txt.swp')).toBe(true);
    expect(noisyPath('/home/user/Desktop/report.txt')).toBe(false);
    expect(noisyPath('/home/user/projects/cache-notes.md')).toBe(false);
  });
  it('hides noisy paths by default and shows them when turned off', () => {
    const events = [file(1, '/home/user/.cache/x/1'), file(2, '/home/user/Desktop/a.txt')];
    expect(shownEvents(events, { hidden: new Set(), text: '', hideNoisy: true }).map((r) => r.seq)).toEqual([2]);
    expect(shownEvents(events, { hidden: new Set(), text: '', hideNoisy: false }).map((r) => r.seq)).toEqual([1, 2]);
    expect(shownEvents(events, { hidden: new Set(['file_change']), text: '', hideNoisy: false })).toEqual([]);
  });
});
