// @vitest-environment happy-dom
/**
 * The main window's first data as the renderer reads it: the block the launcher writes
 * (shared/ipc/first-data.ts) parses back to what was served, whatever the names hold, is read
 * once and taken out of the page, and a window mounted later asks instead.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FIRST_DATA_ID, firstDataScript, type FirstData } from '../../shared/ipc/first-data';
import type { ComputersSnapshot, SessionView } from '../../shared/ipc/types';
import { computer, workspace } from './fixtures';

const tricky = 'a</script><script>window.__pwned=1</script><!-- & "b"';
const data: FirstData = {
  session: { mode: 'browser', activeId: 'env', signedIn: true } as SessionView,
  computers: { profileId: 'env', workspaces: [workspace('w1', tricky)], computers: [computer({ name: tricky })], error: null, hostDown: null, hostEvents: [], at: 1, loaded: true } as ComputersSnapshot,
};

beforeEach(() => {
  vi.resetModules();
  document.head.innerHTML = '';
});

describe("the page's first data", () => {
  it('parses back to what was served, a name with </script> included, and leaves the page', async () => {
    document.head.innerHTML = firstDataScript(data);
    expect(document.querySelectorAll('script')).toHaveLength(1);
    const { firstData } = await import('../../renderer/src/first-data');
    expect(firstData()).toEqual(data);
    expect(document.getElementById(FIRST_DATA_ID)).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('is taken once: after a window consumed a part, it is gone', async () => {
    document.head.innerHTML = firstDataScript(data);
    const { firstData, consumed } = await import('../../renderer/src/first-data');
    consumed('computers');
    expect(firstData().computers).toBeNull();
    expect(firstData().session).toEqual(data.session);
  });

  it('is nothing when the page has no block (Electron, a viewer) or a broken one', async () => {
    const { firstData } = await import('../../renderer/src/first-data');
    expect(firstData()).toEqual({ session: null, computers: null });
    vi.resetModules();
    document.head.innerHTML = `<script type="application/json" id="${FIRST_DATA_ID}">{not json</script>`;
    expect((await import('../../renderer/src/first-data')).firstData()).toEqual({ session: null, computers: null });
  });
});
