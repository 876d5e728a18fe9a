/**
 * The computer spec's plain values (specs.ts re-exports them), in a file of their own without
 * zod: the app's main window shows them in its create and resize dialogs, and importing specs.ts
 * there would bring zod and every schema into the code a launch waits for.
 */

/** Orgo's sizes; its Python SDK offers 1 and 2 too and defaults to 2. */
export const RAM_GB = [1, 2, 4, 8, 16, 32, 64] as const;
/** The only `gpu` a computer here can have (Orgo's SDK sends it on every create). */
export const GPU_NONE = 'none';
export const CPU_COUNTS = [1, 2, 4, 8, 16] as const;
export const DEFAULT_RESOLUTION = '1280x720x24';
export const DEFAULT_DISK_GB = 8;
export const MAX_DISK_GB = 1024;
