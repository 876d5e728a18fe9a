/**
 * Validation of every IPC input, on main's side, before any handler runs. Unknown fields are
 * stripped; a wrong input is refused with words that name the field. The `satisfies` clause ties
 * each schema to the contract's input type.
 */
import { z } from 'zod';
import { MAX_DISK_GB, computerSpec, specField } from '../api/specs.js';
import { MAX_BANDWIDTH_MBPS, streamConnectionBody } from '../api/manage.js';
import type { CallInput, Channel } from './channels.js';

const id = z.string().min(1, 'id must not be empty').max(200, 'id is too long');
const none = z.undefined().or(z.null()).transform(() => undefined);
const byId = z.object({ id });
const profileId = z.object({ profileId: id });
const httpUrl = z
  .string()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

/** A PNG as a data URL, at most ~24 MB of base64 (an 8K screen). */
const pngDataUrl = z
  .string()
  .max(32 * 1024 * 1024, 'the screenshot is too large')
  .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/, 'the screenshot must be a PNG data URL');

const providerName = z
  .string()
  .trim()
  .min(1, 'Give the provider a name')
  .max(100)
  .regex(/^[\w .@:-]+$/, 'A provider name has letters, digits, spaces and . _ - : @ only');

export const inputSchemas = {
  'app.info': none,
  'session.get': none,
  'profiles.select': byId,
  'profiles.add': z.object({
    name: z.string().trim().min(1, 'name must not be empty').max(60, 'name must be at most 60 characters'),
    baseUrl: httpUrl,
    /** Plain http to another machine, allowed for this profile (shared/ipc/plain-http.ts). */
    allowPlainHttp: z.boolean().optional(),
  }),
  'profiles.remove': byId,
  'login.start': profileId,
  'login.cancel': profileId,
  'login.withKey': z.object({
    profileId: id,
    apiKey: z.string().trim().min(8, 'That does not look like an API key').max(500).regex(/^\S+$/, 'An API key has no spaces'),
  }),
  'login.logout': profileId,
  'keychain.fileConsent': z.object({ allow: z.boolean() }),
  'localHost.start': none,
  'computers.watch': none,
  'computers.refresh': none,
  // The spec's own fields and limits (shared/api/specs.ts); the app always sends them all.
  'computers.create': computerSpec.omit({ os: true }).extend({ workspace_id: id }),
  'computers.start': byId,
  'computers.stop': byId,
  'computers.restart': byId,
  'computers.delete': byId,
  'computers.stopAll': none,
  'computers.clone': z.object({
    id,
    name: z.string().trim().min(1, 'Give the clone a name').max(100, 'name must be at most 100 characters').optional(),
    workspace_id: id.optional(),
  }),
  'computers.resize': z
    .object({
      id,
      vcpus: specField.cpu('vCPUs').optional(),
      mem_gb: specField.ram('RAM').optional(),
      disk_size_gb: z.number().int('Disk must be a whole number of GB').min(1, 'Disk must be at least 1 GB').max(MAX_DISK_GB, `Disk must be at most ${MAX_DISK_GB} GB`).optional(),
      bandwidth_limit_mbps: z.number().int().min(0).max(MAX_BANDWIDTH_MBPS, `Bandwidth must be at most ${MAX_BANDWIDTH_MBPS} Mbit/s`).nullable().optional(),
      auto_stop_minutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
    })
    .refine((o) => Object.keys(o).some((k) => k !== 'id' && o[k as keyof typeof o] !== undefined), 'Change at least one value'),
  'computers.move': z.object({ id, workspace_id: id }),
  // null: an account-wide key (every workspace), for the host's Connect view.
  'keys.mint': z.object({ workspaceId: id.nullable() }),
  'workspaces.create': z.object({ name: z.string().trim().min(1, 'Give the workspace a name').max(100) }),
  'workspaces.rename': z.object({ id, name: z.string().trim().min(1, 'Give the workspace a name').max(100, 'name must be at most 100 characters') }),
  'workspaces.delete': z.object({ id, force: z.boolean().optional() }),
  'streaming.list': none,
  'streaming.add': streamConnectionBody,
  'streaming.remove': z.object({ name: z.string().min(1).max(100) }),
  'stream.status': z.object({ computerId: id }),
  'stream.start': z.object({ computerId: id, connection_name: z.string().min(1, 'Pick a connection').max(100) }),
  'stream.stop': z.object({ computerId: id }),
  'viewerPrefs.get': z.object({ computerId: id }),
  'viewerPrefs.set': z.object({ computerId: id, quality: z.number().int().min(0).max(9), compression: z.number().int().min(0).max(9) }),
  'windows.openViewer': z.object({ computerId: id }),
  'windows.openGrid': none,
  'windows.openMain': none,
  'viewer.connect': z.object({ computerId: id, quality: z.number().int().min(0).max(9).optional(), compression: z.number().int().min(0).max(9).optional() }),
  'screenshots.save': z.object({ computerId: id, dataUrl: pngDataUrl }),
  'external.open': z.object({ url: httpUrl }),
  'channels.connect': z.object({
    computerId: id,
    channel: z.enum(['terminal', 'events', 'audio'], { error: 'channel must be terminal, events or audio' }),
    cols: z.number().int().min(1).max(1000).optional(),
    rows: z.number().int().min(1).max(1000).optional(),
  }),
  'channels.counts': none,
  'clipboard.set': z.object({ computerId: id, text: z.string().max(1024 * 1024, 'the clipboard text is over 1 MB') }),
  'files.list': z.object({ computerId: id }),
  'files.upload': z.object({ computerId: id, uploadId: id, path: z.string().min(1, 'path must not be empty').max(4096) }),
  'files.cancel': z.object({ uploadId: id }),
  'files.uploadTarget': z.object({ computerId: id }),
  'files.limit': z.object({ computerId: id }),
  'files.download': byId,
  'files.delete': byId,
  'files.export': z.object({
    computerId: id,
    path: z
      .string()
      .trim()
      .max(4096)
      .refine((p) => p === '/home/user' || p.startsWith('/home/user/') || p.startsWith('~/'), 'path must be under /home/user'),
  }),
  'agent.models': none,
  'agent.run': z.object({
    computerId: id,
    model: z.string().trim().min(1, 'Pick a model').max(200),
    task: z.string().trim().min(1, 'Say what the agent should do').max(100_000, 'the task is over 100,000 characters'),
    threadId: id.optional(),
    maxSteps: z.number().int().min(1).max(1000).optional(),
  }),
  'agent.control': z.object({ threadId: id, action: z.enum(['cancel', 'pause', 'resume'], { error: 'action must be cancel, pause or resume' }) }),
  'agent.threads': z.object({ computerId: id }),
  'agent.thread': byId,
  'agent.deleteThread': byId,
  'agent.watch': z.object({ computerId: id }),
  'agent.unwatch': z.object({ computerId: id }),
  'modelKeys.get': none,
  'modelKeys.set': z.object({
    provider: z.literal('anthropic', { error: 'provider must be anthropic' }),
    key: z.string().trim().min(8, 'That does not look like an API key').max(500).regex(/^\S+$/, 'An API key has no spaces'),
  }),
  'modelKeys.clear': z.object({ provider: z.literal('anthropic', { error: 'provider must be anthropic' }) }),
  'modelKeys.allowHost': z.object({ profileId: id, allow: z.boolean({ error: 'allow must be true or false' }) }),
  'modelProviders.list': none,
  'modelProviders.save': z.object({
    name: providerName,
    baseUrl: z
      .string()
      .trim()
      .max(2000)
      .regex(/^https?:\/\/[^\s@]+$/, 'The base URL must be an http(s) URL, such as http://localhost:11434/v1'),
    models: z
      .array(z.string().trim().min(1).max(200).regex(/^\S+$/, 'A model name has no spaces'))
      .min(1, 'Name at least one model')
      .max(50),
    key: z.union([z.literal(''), z.string().trim().min(1).max(1000).regex(/^\S+$/, 'An API key has no spaces')]).optional(),
  }),
  'modelProviders.remove': z.object({ name: providerName }),
} satisfies { [C in Channel]: z.ZodType<CallInput<C>, unknown> };

export type ParsedInput<C extends Channel> = z.output<(typeof inputSchemas)[C]>;

/** Parses a channel's input; throws an Error whose message names the field. */
export function parseInput<C extends Channel>(channel: C, input: unknown): ParsedInput<C> {
  const schema = inputSchemas[channel] as unknown as z.ZodType<ParsedInput<C>>;
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.');
  throw new Error(`Invalid input for ${channel}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`);
}
