/**
 * The calls for managing computers and workspaces (clone, resize, move, rename, delete), RTMP
 * streaming, and the viewer's picture settings. Kept apart from handlers.ts, which spreads them in.
 */
import { OrgoApiError, type OrgoClient } from '../shared/api/client.js';
import type { ResizeAnswer } from '../shared/api/manage.js';
import { computerView } from '../shared/ipc/channels.js';
import type { StreamView } from '../shared/ipc/types.js';
import type { AppServices } from './app-services.js';
import type { Handlers } from './handler-types.js';
import { ViewerPrefsStore } from './viewer-prefs.js';

type ManageChannel =
  | 'computers.clone'
  | 'computers.resize'
  | 'computers.move'
  | 'workspaces.rename'
  | 'workspaces.delete'
  | 'streaming.list'
  | 'streaming.add'
  | 'streaming.remove'
  | 'stream.status'
  | 'stream.start'
  | 'stream.stop'
  | 'viewerPrefs.get'
  | 'viewerPrefs.set';

export const NO_STREAMING = 'This host does not offer streaming';

/** The host answered that it has no such route at all (not: no such computer or connection). */
export function isMissingRoute(e: unknown): boolean {
  return e instanceof OrgoApiError && (e.status === 404 || e.status === 405) && /^No such endpoint|is not served at/.test(e.message);
}

/** A 422 of resize is an answer too: every field with why it could not be applied. */
function resizeAnswerOf(e: unknown): ResizeAnswer | null {
  if (e instanceof OrgoApiError && e.status === 422 && e.body.results && typeof e.body.results === 'object') return e.body as unknown as ResizeAnswer;
  return null;
}

export function manageHandlers(s: AppServices, act: <T>(fn: (c: OrgoClient) => Promise<T>) => Promise<T>): Pick<Handlers, ManageChannel> {
  const prefs = new ViewerPrefsStore(s.dirs.config);
  const client = async () => (await s.session.client()).client;
  const status = async (c: OrgoClient, id: string): Promise<StreamView> => {
    try {
      return await c.streamStatus(id);
    } catch (e) {
      if (isMissingRoute(e)) return { status: 'unavailable', reason: NO_STREAMING };
      throw e;
    }
  };
  return {
    'computers.clone': async ({ id, name, workspace_id }) => computerView(await act((c) => c.cloneComputer(id, { name, workspace_id }))),
    'computers.resize': async ({ id, ...fields }) => {
      try {
        return await act((c) => c.resizeComputer(id, fields));
      } catch (e) {
        const answer = resizeAnswerOf(e);
        if (answer) return answer;
        throw e;
      }
    },
    'computers.move': async ({ id, workspace_id }) => {
      const r = await act((c) => c.moveComputer(id, workspace_id));
      return { workspace_id: r.workspace_id };
    },
    'workspaces.rename': async ({ id, name }) => {
      const w = await act((c) => c.renameWorkspace(id, name));
      return { id: w.id, name: w.name };
    },
    'workspaces.delete': async ({ id, force }) => {
      const r = await act((c) => c.deleteWorkspace(id, { force }));
      return { deleted_computers: Number((r as { deleted_computers?: number }).deleted_computers ?? 0) };
    },
    'streaming.list': async () => {
      try {
        return await (await client()).listStreamConnections();
      } catch (e) {
        if (isMissingRoute(e)) throw new Error(`${NO_STREAMING}: its API has no /streaming/connections`, { cause: e });
        throw e;
      }
    },
    'streaming.add': async (body) => (await client()).addStreamConnection(body),
    'streaming.remove': async ({ name }) => {
      await (await client()).deleteStreamConnection(name);
    },
    'stream.status': async ({ computerId }) => status(await client(), computerId),
    'stream.start': async ({ computerId, connection_name }) => {
      const c = await client();
      try {
        await c.startStream(computerId, connection_name);
      } catch (e) {
        if (isMissingRoute(e)) return { status: 'unavailable', reason: NO_STREAMING };
        throw e;
      }
      return status(c, computerId);
    },
    'stream.stop': async ({ computerId }) => {
      const c = await client();
      try {
        await c.stopStream(computerId);
      } catch (e) {
        if (isMissingRoute(e)) return { status: 'unavailable', reason: NO_STREAMING };
        throw e;
      }
      return status(c, computerId);
    },
    'viewerPrefs.get': async ({ computerId }) => prefs.get(computerId),
    'viewerPrefs.set': async ({ computerId, quality, compression }) => prefs.set(computerId, { quality, compression }),
  };
}
