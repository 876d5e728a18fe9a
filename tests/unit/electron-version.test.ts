/**
 * Checklist item 16, a current Electron: the installed one is the pinned one, and its major is one
 * of the three Electron supports. The floor moves when a major leaves support (every 8 weeks or
 * so: 44 came out on 2026-08-25 and 45 since, so 43 is the oldest supported today); raising it
 * is the reminder to move.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/app.js';

const OLDEST_SUPPORTED_MAJOR = 43;

describe('Electron version', () => {
  it('is pinned exactly, installed as pinned, and a supported major', () => {
    const pinned = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).devDependencies.electron as string;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const installed = JSON.parse(readFileSync(join(projectRoot, 'node_modules/electron/package.json'), 'utf8')).version as string;
    expect(installed).toBe(pinned);
    expect(Number(pinned.split('.')[0])).toBeGreaterThanOrEqual(OLDEST_SUPPORTED_MAJOR);
  });
});
