/**
 * "Save screenshot": the viewer hands over its canvas as a PNG; main checks it is one and writes
 * it under the user's pictures folder with the computer's name and the time in the file name.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'computer';
}

export function saveScreenshot(dir: string, computerName: string, dataUrl: string, now = new Date()): string {
  const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('The screenshot is not a PNG image');
  mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-').replace('T', ' ');
  const file = join(dir, `${safeFileName(computerName)} ${stamp}.png`);
  writeFileSync(file, png, { mode: 0o644 });
  return file;
}
