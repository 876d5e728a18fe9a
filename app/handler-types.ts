/**
 * The shape of the app's IPC handlers and of what they are given, apart from the handlers
 * themselves so that the files holding groups of handlers (manage-handlers.ts, ...) can name
 * them without importing handlers.ts, which imports them.
 */
import type { CallOutput, Channel, EventName, Events } from '../shared/ipc/channels.js';
import type { ParsedInput } from '../shared/ipc/schemas.js';

/** The window (or browser tab) a call came from. */
export interface ClientContext {
  id: string;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
}

export interface WindowHost {
  openViewer(computer: { id: string; name: string }, ctx: ClientContext): void | Promise<void>;
  openGrid(ctx: ClientContext): void | Promise<void>;
  openMain(ctx: ClientContext): void | Promise<void>;
  /** Only http(s) reaches here (the schema checks); opens the system browser. */
  openExternal(url: string, ctx: ClientContext): void | Promise<void>;
  /** Electron: a save dialog (null when cancelled). Browser mode has none: downloads go by signed link. */
  chooseSavePath?(suggestedName: string, ctx: ClientContext): Promise<string | null>;
}

export type Handlers = { [C in Channel]: (input: ParsedInput<C>, ctx: ClientContext) => Promise<CallOutput<C>> };
