/** The computer specs and states of the Orgo API, shared by host, app and CLI. */

/** Orgo's sizes; its Python SDK offers 1 and 2 too and defaults to 2. */
export const RAM_GB = [1, 2, 4, 8, 16, 32, 64] as const;
/** The only `gpu` a computer here can have (Orgo's SDK sends it on every create). */
export const GPU_NONE = 'none';
export const CPU_COUNTS = [1, 2, 4, 8, 16] as const;
export const DEFAULT_RESOLUTION = '1280x720x24';
export const DEFAULT_DISK_GB = 8;
export const MAX_DISK_GB = 1024;
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
