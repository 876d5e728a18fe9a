/**
 * The main window's first data (shared/ipc/first-data.ts), gathered when its page is asked for:
 * the session as `session.get` answers it, and the computers list, read from the host for this
 * page (or by a read already under way when it was asked for). One exception, the launch's first
 * page: the launcher reads both while Chromium starts (AppServices.warm), and that page takes
 * this read when it is at most LAUNCH_READ_MS old (`launchPage`) instead of waiting for another
 * round trip; the window refreshes its list every 2 s from then on anyway. Each part gets a
 * short budget: a slow host or keychain must not hold the page back (the window then asks for
 * what is missing, as before).
 */
import type { FirstData } from '../shared/ipc/first-data.js';
import type { ComputersSnapshot } from '../shared/ipc/types.js';
import type { AppServices } from './app-services.js';

/** How long the page may wait for either part. */
const BUDGET_MS = 300;
/** The oldest read the launch's first page takes. */
const LAUNCH_READ_MS = 1000;

function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    p.then(
      (v) => resolve(v),
      () => resolve(null),
    ).finally(() => clearTimeout(timer));
  });
}

export async function firstData(services: Pick<AppServices, 'session' | 'feed'>, launchPage = false, budgetMs = BUDGET_MS): Promise<FirstData> {
  const { session, feed } = services;
  const maxAgeMs = launchPage ? LAUNCH_READ_MS : 0;
  const sessionView = (async () => {
    await session.localHost.refresh(maxAgeMs);
    return session.view();
  })();
  const list = (async (): Promise<ComputersSnapshot | null> => {
    const s = await (maxAgeMs ? feed.recent(maxAgeMs) : feed.refresh());
    // Only a list of the profile that is active now, and one that loaded (not the empty start).
    return s.loaded && s.profileId === session.profiles.active().id ? s : null;
  })();
  const [v, c] = await Promise.all([within(sessionView, budgetMs), within(list, budgetMs)]);
  return { session: v, computers: v && c && c.profileId === v.activeId ? c : null };
}
