/**
 * The computer specs and states of the Orgo API, shared by host, app and CLI. A computer's spec
 * is declared here once (`computerSpec`, its fields' limits and allowed values, and Orgo's
 * defaults); the API's create body (schemas.ts, with the defaults and the deprecated aliases),
 * its resize body (manage.ts), the app's IPC (shared/ipc) and the host's store row derive from it.
 */
import { z } from 'zod';

import { CPU_COUNTS, DEFAULT_DISK_GB, DEFAULT_RESOLUTION, GPU_NONE, MAX_DISK_GB, RAM_GB } from './spec-values.js';

export { CPU_COUNTS, DEFAULT_DISK_GB, DEFAULT_RESOLUTION, GPU_NONE, MAX_DISK_GB, RAM_GB };
export const RESOLUTION_PATTERN = /^(\d{3,5})x(\d{3,5})x(8|16|24|32)$/;

export const COMPUTER_STATUSES = [
  'creating',
  'starting',
  'running',
  'stopping',
  'stopped',
  'suspended',
  'restarting',
  'deleting',
  'error',
] as const;
export type ComputerStatus = (typeof COMPUTER_STATUSES)[number];

export interface Resolution {
  width: number;
  height: number;
  depth: number;
}

/** The screen sizes this host serves, by the API and by a viewer's remote resize alike. */
export const SCREEN_LIMITS = { minWidth: 320, minHeight: 200, maxWidth: 7680, maxHeight: 4320 } as const;
export const screenSizeAllowed = (width: number, height: number) =>
  width >= SCREEN_LIMITS.minWidth && height >= SCREEN_LIMITS.minHeight && width <= SCREEN_LIMITS.maxWidth && height <= SCREEN_LIMITS.maxHeight;

export function parseResolution(value: string): Resolution | null {
  const m = RESOLUTION_PATTERN.exec(value);
  if (!m) return null;
  const [width, height, depth] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!screenSizeAllowed(width, height)) return null;
  return { width, height, depth };
}

/** A number that must be one of `values`, refused in words that name the field. */
export const oneOf = <T extends readonly number[]>(field: string, values: T) =>
  z
    .number({ error: `${field} must be a number, one of ${values.join(', ')}` })
    .refine((v) => (values as readonly number[]).includes(v), `${field} must be one of ${values.join(', ')}`);

/** A name people give (a workspace, a computer, a key): shown in lists, titles and terminals. */
export const displayName = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(100, `${what} must be at most 100 characters`)
    // No control characters, no lone surrogates.
    .refine((v) => !/[\p{Cc}\uD800-\uDFFF]/u.test(v), `${what} must not contain control characters`);

/** Each field of a spec, under the name a body gives it (resize calls cpu `vcpus`, ram `mem_gb`). */
export const specField = {
  ram: (field = 'ram') => oneOf(field, RAM_GB),
  cpu: (field = 'cpu') => oneOf(field, CPU_COUNTS),
  disk_size_gb: (field = 'disk_size_gb') =>
    z
      .number({ error: `${field} must be a number of gigabytes` })
      .int(`${field} must be a whole number of gigabytes`)
      .min(1, `${field} must be at least 1`)
      .max(MAX_DISK_GB, `${field} must be at most ${MAX_DISK_GB}`),
  resolution: (field = 'resolution') =>
    z
      .string({ error: `${field} must be a string like 1280x720x24` })
      .refine((r) => parseResolution(r) !== null, `${field} must look like WIDTHxHEIGHTxDEPTH, e.g. 1280x720x24 (320x200 to 7680x4320, depth 8, 16, 24 or 32)`),
  auto_stop_minutes: (field = 'auto_stop_minutes') =>
    z
      .number({ error: `${field} must be a number of minutes (0 disables)` })
      .int(`${field} must be a whole number of minutes`)
      .min(0, `${field} must be 0 or more`)
      .max(7 * 24 * 60, `${field} must be at most 10080 (a week)`),
};

/** What a computer is made with: every field given (the API's body fills in COMPUTER_DEFAULTS). */
export const computerSpec = z.object({
  name: displayName('name'),
  os: z.literal('linux', { error: 'os must be "linux"' }),
  ram: specField.ram(),
  cpu: specField.cpu(),
  disk_size_gb: specField.disk_size_gb(),
  resolution: specField.resolution(),
  auto_stop_minutes: specField.auto_stop_minutes(),
});
export type ComputerSpec = z.output<typeof computerSpec>;

/** Orgo's defaults for what a create call leaves out. */
export const COMPUTER_DEFAULTS = {
  os: 'linux',
  ram: 4,
  cpu: 1,
  disk_size_gb: DEFAULT_DISK_GB,
  resolution: DEFAULT_RESOLUTION,
  auto_stop_minutes: 0,
} as const satisfies Omit<ComputerSpec, 'name'>;
