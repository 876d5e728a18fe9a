/**
 * Request bodies of the Orgo API. The host validates with these and the client's request
 * types come from them, so the two cannot drift. Deprecated aliases (project_id, projectId,
 * workspaceId) are folded into the documented names here, once.
 */
import { z } from 'zod';
import { COMPUTER_DEFAULTS, GPU_NONE, computerSpec, displayName, specField } from './specs.js';

const name = displayName;
const autoStop = specField.auto_stop_minutes();

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

const spec = computerSpec.shape;

export const createComputerBody = z.preprocess(
  (b) => alias(alias(alias(b, 'project_id', 'workspace_id'), 'workspaceId', 'workspace_id'), 'projectId', 'workspace_id'),
  z
    .object({
      workspace_id: z.string({ error: (i) => (i.input === undefined ? 'workspace_id is required' : 'workspace_id must be a string') }).min(1, 'workspace_id is required'),
      name: spec.name,
      os: spec.os.default(COMPUTER_DEFAULTS.os),
      ram: spec.ram.default(COMPUTER_DEFAULTS.ram),
      cpu: spec.cpu.default(COMPUTER_DEFAULTS.cpu),
      disk_size_gb: spec.disk_size_gb.default(COMPUTER_DEFAULTS.disk_size_gb),
      resolution: spec.resolution.default(COMPUTER_DEFAULTS.resolution),
      auto_stop_minutes: spec.auto_stop_minutes.default(COMPUTER_DEFAULTS.auto_stop_minutes),
      gpu: z
        .string({ error: 'gpu must be a string' })
        .refine((g) => g === GPU_NONE, { error: (i) => `gpu "${String(i.input)}" is not available: this host has no GPUs (use "none" or leave it out)` })
        .optional(),
      // Orgo's SDK sends `image` (a custom image or a Forge build) only when asked to: a computer
      // here is always this host's desktop, so a request for another image is refused, not ignored.
      image: z
        .unknown()
        .refine((i) => i === undefined || i === null, { error: (i) => `image ${JSON.stringify(i.input)} is not available: computers on this host run its own Linux desktop (leave image out)` })
        .optional(),
    })
    .transform(({ gpu: _none, image: _image, ...rest }) => rest),
);
export type CreateComputerBody = z.input<typeof createComputerBody>;
/** A computer to make, in a workspace. */
export type NewComputerSpec = z.output<typeof createComputerBody>;

export const autoStopBody = z.object({ auto_stop_minutes: autoStop });

export const createKeyBody = z.preprocess(
  (b) => alias(alias(b, 'project_id', 'workspace_id'), 'workspaceId', 'workspace_id'),
  z.object({
    name: name('name'),
    workspace_id: z.string({ error: 'workspace_id must be a string' }).min(1).nullish(),
  }),
);
export type CreateKeyBody = z.input<typeof createKeyBody>;

/** Linux's limit on one argument of a program (MAX_ARG_STRLEN, 128 KiB with its NUL): bash -c and python3 -c take the text as one. */
export const MAX_PROGRAM_BYTES = 128 * 1024 - 1;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const utf8Length = (t: string) => (t.length * 3 <= MAX_PROGRAM_BYTES ? t.length : new TextEncoder().encode(t).length);

/**
 * Text the guest passes on as it is: well-formed Unicode (a lone surrogate has no UTF-8), and for
 * a program's text no NUL (an argument ends at one) and no more than one argument may hold.
 */
const carried = (field: string, schema: z.ZodString, program: boolean) =>
  schema
    .refine((t) => !LONE_SURROGATE.test(t), `${field} contains a lone UTF-16 surrogate, which is not text (it has no UTF-8 form)`)
    .refine((t) => !program || !t.includes('\0'), `${field} must not contain NUL characters`)
    .refine((t) => !program || utf8Length(t) <= MAX_PROGRAM_BYTES, `${field} must be at most ${MAX_PROGRAM_BYTES} bytes in UTF-8 (Linux's limit on one program argument); put longer scripts in a file`);

export const bashBody = z.object({
  command: carried('command', z.string({ error: (i) => (i.input === undefined ? 'command is required' : 'command must be a string') }).min(1, 'command must not be empty'), true),
  timeout: z.number({ error: 'timeout must be a number of seconds' }).positive('timeout must be more than 0').max(3600, 'timeout must be at most 3600 seconds').default(30),
});

export const execBody = z.object({
  code: carried('code', z.string({ error: (i) => (i.input === undefined ? 'code is required' : 'code must be a string') }).min(1, 'code must not be empty'), true),
  timeout: z.number({ error: 'timeout must be a number of seconds' }).positive('timeout must be more than 0').max(3600, 'timeout must be at most 3600 seconds').default(10),
});

/** `POST /files/export`: a file of a computer, by its path inside the computer (under /home/user). */
export const exportFileBody = z.preprocess(
  (b) => alias(alias(alias(b, 'desktop_id', 'desktopId'), 'computer_id', 'desktopId'), 'computerId', 'desktopId'),
  z.object({
    desktopId: z.string({ error: (i) => (i.input === undefined ? 'desktopId is required' : 'desktopId must be a string') }).min(1, 'desktopId is required'),
    path: z.string({ error: (i) => (i.input === undefined ? 'path is required' : 'path must be a string') }).min(1, 'path must not be empty').max(4096, 'path must be at most 4096 characters'),
  }),
);
export type ExportFileBody = z.input<typeof exportFileBody>;

const optionalString = (description?: string) => z.string({ error: 'must be a string' }).optional().meta(description ? { description } : {});

/** `GET /files` (and the query of an upload): a workspace's files, or one computer's. Unknown parameters are ignored. */
export const fileListQuery = z
  .object({
    workspaceId: optionalString('The workspace (workspace_id, projectId and project_id are its aliases)'),
    desktopId: optionalString("A computer: its files, or the computer whose desktop an upload lands on (desktop_id, computerId and computer_id are its aliases)"),
    workspace_id: optionalString(),
    desktop_id: optionalString(),
    projectId: optionalString(),
    project_id: optionalString(),
    computerId: optionalString(),
    computer_id: optionalString(),
  })
  .catchall(z.string());

/** `GET /files/download`, `DELETE /files/delete`: the file, by id. */
export const fileIdQuery = z.object({ id: z.string({ error: (i) => (i.input === undefined ? 'id is required' : 'id must be a string') }).min(1, 'id is required') });

/** `POST /files/upload`: a multipart/form-data form with the file in `file` (the ids may come as fields or in the query). */
export const uploadForm = z.object({
  file: z.string().meta({ format: 'binary', description: 'The file; its name is the part\'s filename' }),
  workspaceId: optionalString('The workspace the file goes to'),
  desktopId: optionalString("A computer whose desktop the file also lands on (~/Desktop)"),
});

/** The first problem of a failed parse, in words that name the field. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return issue.message;
  return field && !issue.message.includes(field) ? `${field}: ${issue.message}` : issue.message;
}

// ---- actions (issue 3) ----

const required = (field: string, kind: string) => (i: { input: unknown }) =>
  i.input === undefined ? `${field} is required` : `${field} must be ${kind}`;

/** A screen coordinate in pixels; the upper bound is the computer's screen, checked by the host. */
const coordinate = (field: string) =>
  z.number({ error: required(field, 'a number of pixels') }).min(0, `${field} must be 0 or more`);

const button = z.enum(['left', 'right', 'middle'], { error: 'button must be "left", "right" or "middle"' }).default('left');

export const clickBody = z.object({
  x: coordinate('x'),
  y: coordinate('y'),
  button,
  double: z.boolean({ error: 'double must be true or false' }).default(false),
});
export type ClickBody = z.input<typeof clickBody>;

/** `POST /computers/{id}/move`: the pointer to a point (Orgo's SDK sends it for the agent's `mouse_move`). */
export const pointerMoveBody = z.object({ x: coordinate('x'), y: coordinate('y') });
export type PointerMoveBody = z.input<typeof pointerMoveBody>;

export const dragBody = z.object({
  start_x: coordinate('start_x'),
  start_y: coordinate('start_y'),
  end_x: coordinate('end_x'),
  end_y: coordinate('end_y'),
  button,
  duration: z.number({ error: 'duration must be a number of seconds' }).min(0, 'duration must be 0 or more').max(60, 'duration must be at most 60 seconds').default(0.5),
});
export type DragBody = z.input<typeof dragBody>;

export const typeBody = z.object({
  text: carried('text', z.string({ error: required('text', 'a string') }).min(1, 'text must not be empty').max(100_000, 'text must be at most 100000 characters'), false),
});
export type TypeBody = z.input<typeof typeBody>;

export const keyBody = z.object({
  key: z.string({ error: required('key', 'a string, e.g. "Enter" or "ctrl+c"') }).trim().min(1, 'key must not be empty, e.g. "Enter" or "ctrl+c"').max(1000, 'key must be at most 1000 characters'),
});
export type KeyBody = z.input<typeof keyBody>;

export const scrollBody = z
  .object({
    direction: z.enum(['up', 'down', 'left', 'right'], { error: (i) => (i.input === undefined ? 'direction is required' : 'direction must be "up", "down", "left" or "right"') }),
    amount: z.number({ error: 'amount must be a whole number of notches' }).int('amount must be a whole number of notches').min(1, 'amount must be at least 1').max(100, 'amount must be at most 100').default(3),
    x: coordinate('x').optional(),
    y: coordinate('y').optional(),
  })
  .refine((b) => (b.x === undefined) === (b.y === undefined), { message: 'x and y go together: give both or neither', path: ['x'] });
export type ScrollBody = z.input<typeof scrollBody>;

const waitSeconds = (field: string) =>
  z.number({ error: required(field, 'a number between 0 and 60') }).min(0, `${field} must be between 0 and 60`).max(60, `${field} must be between 0 and 60`);

export const waitBody = z.preprocess(
  (b, ctx) => {
    const o = b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : null;
    // The deprecated `duration` is checked under its own name: an error says what the client sent.
    if (o && o.seconds === undefined && o.duration !== undefined) {
      const checked = waitSeconds('duration').safeParse(o.duration);
      for (const issue of checked.error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message, path: ['duration'], input: o.duration });
    }
    return alias(b, 'duration', 'seconds');
  },
  z.object({ seconds: waitSeconds('seconds') }),
);
/** `duration` is the deprecated name of `seconds`. */
export type WaitBody = { seconds: number } | { duration: number };

/** `GET /computers/{id}/screenshot` query. */
export const screenshotQuery = z.object({
  /** Left out: PNG, or JPEG for a client whose Accept asks for image/jpeg and not image/png. */
  format: z.enum(['png', 'jpeg', 'jpg'], { error: 'format must be "png" or "jpeg"' }).optional(),
  quality: z.coerce.number({ error: 'quality must be a number from 1 to 100' }).int('quality must be a whole number from 1 to 100').min(1, 'quality must be from 1 to 100').max(100, 'quality must be from 1 to 100').default(80),
  raw: z.enum(['1', 'true', '0', 'false'], { error: 'raw must be 1 or 0' }).optional(),
});

/** `POST /computers/{id}/clipboard`: the desktop's clipboard text (UTF-8; at most 4 MB). */
export const clipboardBody = z.object({
  text: carried('text', z.string({ error: (i) => (i.input === undefined ? 'text is required' : 'text must be a string') }).max(4 * 1024 * 1024, 'text must be at most 4 MB'), false),
});
export type ClipboardBody = z.input<typeof clipboardBody>;
