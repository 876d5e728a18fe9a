/**
 * What each IPC call does, over the services. The same handlers serve Electron's ipcMain and
 * the browser-mode WebSocket; inputs arrive already validated (dispatch.ts). Windows are opened
 * through a WindowHost, which each mode implements its own way.
 */
import { computerView } from '../shared/ipc/channels.js';
import { OrgoClient, OrgoApiError } from '../shared/api/client.js';
import type { AppServices } from './app-services.js';
import { saveScreenshot } from './screenshots.js';
import { assertSafeTransport } from './profiles.js';
import { fileView } from './files.js';
import type { DownloadAnswer } from '../shared/ipc/types.js';
import { manageHandlers } from './manage-handlers.js';
import { mintKey } from './keys.js';

export type { ClientContext, Handlers, WindowHost } from './handler-types.js';
import type { ClientContext, Handlers, WindowHost } from './handler-types.js';

export function createHandlers(s: AppServices, windows: WindowHost): Handlers {
  const { session, feed, relay, logins, profiles, credentials } = s;

  /** Electron: save dialog, then streamed to disk; browser mode: the signed link for a normal download. */
  const download = async (client: OrgoClient, file: { id: string; name: string }, ctx: ClientContext): Promise<DownloadAnswer> => {
    if (windows.chooseSavePath) {
      const to = await windows.chooseSavePath(file.name, ctx);
      if (to) await client.downloadFile(file.id, to);
      return { savedTo: to };
    }
    const link = await client.downloadUrl(file.id);
    return { url: link.url, name: file.name };
  };

  const changed = async () => {
    const v = await session.changed();
    return v;
  };
  const switched = async () => {
    feed.reset();
    return changed();
  };
  const computerName = (id: string) => feed.current().computers.find((c) => c.id === id)?.name ?? 'computer';
  const act = async <T>(fn: (client: OrgoClient) => Promise<T>): Promise<T> => {
    const { client } = await session.client();
    feed.poke();
    try {
      return await fn(client);
    } finally {
      feed.poke();
    }
  };

  return {
    'app.info': async () => ({ mode: session.mode, version: s.version, platform: process.platform }),
    'session.get': async () => {
      await session.localHost.refresh();
      return session.view();
    },
    'profiles.select': async ({ id }) => {
      profiles.select(id);
      return switched();
    },
    'profiles.add': async ({ name, baseUrl, allowPlainHttp }) => {
      const p = profiles.add(name, baseUrl, allowPlainHttp ?? false);
      profiles.select(p.id);
      return switched();
    },
    'profiles.remove': async ({ id }) => {
      logins.cancel(id);
      await credentials.delete(id);
      profiles.remove(id);
      return switched();
    },
    'login.start': async ({ profileId }, ctx) => {
      const profile = profiles.get(profileId);
      // The minted key comes back in the answer: not over plain http to another machine unasked.
      assertSafeTransport(profile);
      const progress = await logins.start(profileId, profile.baseUrl, {
        progress: (p) => s.broadcast('login.progress', p),
        approved: async (key) => {
          await credentials.set(profileId, key);
          if (profiles.active().id === profileId) feed.reset();
          await changed();
        },
      });
      await windows.openExternal(progress.verificationUriComplete, ctx);
      return progress;
    },
    'login.cancel': async ({ profileId }) => logins.cancel(profileId),
    'login.withKey': async ({ profileId, apiKey }) => {
      const profile = profiles.get(profileId);
      assertSafeTransport(profile);
      try {
        await new OrgoClient({ baseUrl: profile.baseUrl, apiKey, timeoutMs: 20_000 }).listWorkspaces();
      } catch (e) {
        if (e instanceof OrgoApiError && e.status === 401) throw new Error(`${new URL(profile.baseUrl).host} refused that API key`, { cause: e });
        throw e;
      }
      await credentials.set(profileId, apiKey);
      if (profiles.active().id === profileId) feed.reset();
      return changed();
    },
    'login.logout': async ({ profileId }) => {
      logins.cancel(profileId);
      await credentials.delete(profileId);
      if (profiles.active().id === profileId) feed.reset();
      return changed();
    },
    'keychain.fileConsent': async ({ allow }) => {
      await credentials.setFileConsent(allow);
      return changed();
    },
    'localHost.start': async () => {
      try {
        await session.localHost.ensure();
      } finally {
        await changed();
      }
      feed.reset();
      return session.view();
    },
    'computers.watch': async (_i, ctx) => feed.watch(ctx.id),
    'computers.refresh': async () => feed.refresh(),
    'computers.create': async (input) => computerView(await act((c) => c.createComputer(input))),
    'computers.start': async ({ id }) => computerView(await act((c) => c.startComputer(id))),
    'computers.stop': async ({ id }) => computerView(await act((c) => c.stopComputer(id))),
    'computers.restart': async ({ id }) => computerView(await act((c) => c.restartComputer(id))),
    'computers.delete': async ({ id }) => {
      await act((c) => c.deleteComputer(id));
    },
    'computers.stopAll': async () => stopAll(s),
    ...manageHandlers(s, act),
    'keys.mint': async ({ workspaceId }) => mintKey(session, workspaceId),
    'workspaces.create': async ({ name }) => {
      const w = await act((c) => c.createWorkspace(name));
      return { id: w.id, name: w.name };
    },
    'windows.openViewer': async ({ computerId }, ctx) => windows.openViewer({ id: computerId, name: computerName(computerId) }, ctx),
    'windows.openGrid': async (_i, ctx) => windows.openGrid(ctx),
    'windows.openMain': async (_i, ctx) => windows.openMain(ctx),
    'viewer.connect': async ({ computerId, quality, compression }) => ({ url: relay.ticket(computerId, { quality, compression }) }),
    'screenshots.save': async ({ computerId, dataUrl }) => ({ path: saveScreenshot(s.dirs.screenshots, computerName(computerId), dataUrl) }),
    'external.open': async ({ url }, ctx) => windows.openExternal(url, ctx),
    'channels.connect': async ({ computerId, channel, cols, rows }) => ({ url: s.channels.ticket(computerId, channel, channel === 'terminal' ? { cols, rows } : {}) }),
    'channels.counts': async () => {
      const c = s.channels.counts();
      return { vnc: relay.liveCount(), channels: c.relays, upstream: c.upstream };
    },
    'clipboard.set': async ({ computerId, text }) => {
      const { client } = await session.client();
      await client.setClipboard(computerId, text);
    },
    'files.list': async ({ computerId }) => {
      const { client } = await session.client();
      const computer = await client.getComputer(computerId);
      const files = await client.listFiles({ workspaceId: computer.workspace_id ?? computer.project_id });
      return files.map(fileView).sort((a, b) => b.created_at.localeCompare(a.created_at));
    },
    'files.upload': async ({ computerId, uploadId, path }, ctx) => {
      let last = 0;
      return s.files.uploadPath(computerId, uploadId, path, (sent, total) => {
        // About ten updates a second is plenty for a progress bar.
        const now = Date.now();
        if (now - last < 100 && sent < total) return;
        last = now;
        ctx.emit('files.progress', { uploadId, sent, total });
      });
    },
    'files.cancel': async ({ uploadId }) => s.files.cancel(uploadId),
    'files.uploadTarget': async ({ computerId }) => {
      if (windows.chooseSavePath) throw new Error('In the desktop app, files are uploaded from their paths');
      return { url: s.files.ticket(computerId) };
    },
    'files.limit': async ({ computerId }) => ({ maxBytes: await s.files.limit(computerId) }),
    'files.download': async ({ id }, ctx) => {
      const { client } = await session.client();
      const link = await client.downloadUrl(id);
      return download(client, link, ctx);
    },
    'files.delete': async ({ id }) => {
      const { client } = await session.client();
      await client.deleteFile(id);
    },
    'files.export': async ({ computerId, path }, ctx) => {
      const { client } = await session.client();
      const full = path.startsWith('~/') ? `/home/user/${path.slice(2)}` : path;
      const exported = await client.exportFile(computerId, full);
      return { file: fileView(exported), download: await download(client, exported, ctx) };
    },
    'agent.models': async () => s.agent.models(),
    'agent.run': async (input) => s.agent.run(input),
    'agent.control': async ({ threadId, action }) => s.agent.control(threadId, action),
    'agent.threads': async ({ computerId }) => s.agent.threads(computerId),
    'agent.thread': async ({ id }) => s.agent.thread(id),
    'agent.deleteThread': async ({ id }) => s.agent.deleteThread(id),
    'agent.watch': async ({ computerId }, ctx) => s.agent.watch(computerId, ctx.id),
    'agent.unwatch': async ({ computerId }, ctx) => s.agent.unwatch(computerId, ctx.id),
    'modelKeys.get': async () => s.agent.keyStatus(),
    'modelKeys.set': async ({ key }) => s.agent.setKey(key),
    'modelKeys.clear': async () => s.agent.clearKey(),
    'modelKeys.allowHost': async ({ profileId, allow }) => s.agent.allowHost(profileId, allow),
    'modelProviders.list': async () => s.agent.providers.list(),
    'modelProviders.save': async (input) => s.agent.providers.save(input),
    'modelProviders.remove': async ({ name }) => s.agent.providers.remove(name),
  };
}

/** The tray's "Stop all computers": every running computer of the active profile, in parallel. */
export async function stopAll(s: AppServices): Promise<{ stopped: number; failed: string[] }> {
  const { client } = await s.session.client();
  const running = (await client.listComputers()).filter((c) => c.status === 'running' || c.status === 'starting');
  s.feed.poke();
  const results = await Promise.allSettled(running.map((c) => client.stopComputer(c.id)));
  s.feed.poke();
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${running[i]!.name}: ${(r.reason as Error).message}`] : []));
  return { stopped: results.length - failed.length, failed };
}
