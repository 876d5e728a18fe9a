/**
 * Request bodies of the Orgo API. The host validates with these and the client's request
 * types come from them, so the two cannot drift. Deprecated aliases (project_id, projectId,
 * workspaceId) are folded into the documented names here, once.
 */
import { z } from 'zod';
import { CPU_COUNTS, DEFAULT_DISK_GB, DEFAULT_RESOLUTION, MAX_DISK_GB, RAM_GB, parseResolution } from './specs.js';

const name = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(100, `${what} must be at most 100 characters`);

const oneOf = <T extends readonly number[]>(field: string, values: T) =>
  z
    .number({ error: `${field} must be a number, one of ${values.join(', ')}` })
    .refine((v) => (values as readonly number[]).includes(v), `${field} must be one of ${values.join(', ')}`);

const autoStop = z
  .number({ error: 'auto_stop_minutes must be a number of minutes (0 disables)' })
  .int('auto_stop_minutes must be a whole number of minutes')
  .min(0, 'auto_stop_minutes must be 0 or more')
  .max(7 * 24 * 60, 'auto_stop_minutes must be at most 10080 (a week)');

/** Accepts the deprecated alias of a field and answers with the documented name. */
function alias(body: unknown, from: string, to: string): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const o = body as Record<string, unknown>;
    if (o[to] === undefined && o[from] !== undefined) return { ...o, [to]: o[from] };
  }
  return body;
}

export const createWorkspaceBody = z.object({ name: name('name') });
export type CreateWorkspaceBody = z.infer<typeof createWorkspaceBody>;

export const createComputerBody = z.preprocess(
  (b) => alias(alias(alias(b, 'project_id', 'workspace_id'), 'workspaceId', 'workspace_id'), 'projectId', 'workspace_id'),
  z.object({
    workspace_id: z.string({ error: (i) => (i.input === undefined ? 'workspace_id is required' : 'workspace_id must be a string') }).min(1, 'workspace_id is required'),
    name: name('name'),
    os: z.literal('linux', { error: 'os must be "linux"' }).default('linux'),
    ram: oneOf('ram', RAM_GB).default(4),
    cpu: oneOf('cpu', CPU_COUNTS).default(1),
    disk_size_gb: z
      .number({ error: 'disk_size_gb must be a number of gigabytes' })
      .int('disk_size_gb must be a whole number of gigabytes')
      .min(1, 'disk_size_gb must be at least 1')
      .max(MAX_DISK_GB, `disk_size_gb must be at most ${MAX_DISK_GB}`)
      .default(DEFAULT_DISK_GB),
    resolution: z
      .string({ error: 'resolution must be a string like 1280x720x24' })
      .refine((r) => parseResolution(r) !== null, 'resolution must look like WIDTHxHEIGHTxDEPTH, e.g. 1280x720x24 (320x200 to 7680x4320, depth 8, 16, 24 or 32)')
      .default(DEFAULT_RESOLUTION),
    auto_stop_minutes: autoStop.default(0),
  }),
);
export type CreateComputerBody = z.input<typeof createComputerBody>;
export type ComputerSpec = z.output<typeof createComputerBody>;

export const autoStopBody = z.object({ auto_stop_minutes: autoStop });

export const createKeyBody = z.preprocess(
  (b) => alias(alias(b, 'project_id', 'workspace_id'), 'workspaceId', 'workspace_id'),
  z.object({
    name: name('name'),
    workspace_id: z.string({ error: 'workspace_id must be a string' }).min(1).nullish(),
  }),
);
export type CreateKeyBody = z.input<typeof createKeyBody>;

export const bashBody = z.object({
  command: z.string({ error: (i) => (i.input === undefined ? 'command is required' : 'command must be a string') }).min(1, 'command must not be empty'),
  timeout: z.number({ error: 'timeout must be a number of seconds' }).positive('timeout must be more than 0').max(3600, 'timeout must be at most 3600 seconds').default(30),
});

export const execBody = z.object({
  code: z.string({ error: (i) => (i.input === undefined ? 'code is required' : 'code must be a string') }).min(1, 'code must not be empty'),
  timeout: z.number({ error: 'timeout must be a number of seconds' }).positive('timeout must be more than 0').max(3600, 'timeout must be at most 3600 seconds').default(10),
});

/** The first problem of a failed parse, in words that name the field. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return issue.message;
  return field && !issue.message.includes(field) ? `${field}: ${issue.message}` : issue.message;
}
