/** The IPC inputs of the viewer's live panels and files: refused with words that name the field. */
import { describe, expect, it } from 'vitest';
import { parseInput } from '../../shared/ipc/schemas.js';

describe('IPC inputs for channels and files', () => {
  it('takes the three live channels and nothing else', () => {
    expect(parseInput('channels.connect', { computerId: 'c1', channel: 'terminal', cols: 120, rows: 40 })).toEqual({ computerId: 'c1', channel: 'terminal', cols: 120, rows: 40 });
    expect(() => parseInput('channels.connect', { computerId: 'c1', channel: 'websockify' })).toThrow('Invalid input for channels.connect: channel: channel must be terminal, events or audio');
    expect(() => parseInput('channels.connect', { computerId: 'c1', channel: 'terminal', cols: 0 })).toThrow(/cols/);
  });

  it('exports only paths under /home/user (the host checks escapes and symlinks too)', () => {
    expect(parseInput('files.export', { computerId: 'c1', path: ' /home/user/Desktop/a.txt ' }).path).toBe('/home/user/Desktop/a.txt');
    expect(parseInput('files.export', { computerId: 'c1', path: '~/a.txt' }).path).toBe('~/a.txt');
    expect(() => parseInput('files.export', { computerId: 'c1', path: '/etc/passwd' })).toThrow('path: path must be under /home/user');
    expect(() => parseInput('files.export', { computerId: 'c1', path: '/home/username/x' })).toThrow(/under \/home\/user/);
  });

  it('bounds clipboard text and needs a path for an upload', () => {
    expect(() => parseInput('clipboard.set', { computerId: 'c1', text: 'x'.repeat(1024 * 1024 + 1) })).toThrow('the clipboard text is over 1 MB');
    expect(() => parseInput('files.upload', { computerId: 'c1', uploadId: 'u1', path: '' })).toThrow('path must not be empty');
  });
});
