/** The words for a file too large for the host, as the Files panel and a drop on the viewer show them. */
import { describe, expect, it } from 'vitest';
import { formatBytes as cliFormatBytes } from '../../cli/units.js';
import { formatBytes, uploadTooLarge } from '../../shared/ipc/sizes.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('uploadTooLarge', () => {
  it('names the file, its size and the host’s limit', () => {
    expect(uploadTooLarge('report.iso', 2.1 * GB, GB)).toBe('report.iso is 2.1 GB; this host takes files up to 1 GB');
    expect(uploadTooLarge('big.bin', 42 * MB, 40 * MB)).toBe('big.bin is 42 MB; this host takes files up to 40 MB');
  });

  it('lets through a file at the limit, and any file where the host names none', () => {
    expect(uploadTooLarge('a', 40 * MB, 40 * MB)).toBeNull();
    expect(uploadTooLarge('a', 10 * GB, null)).toBeNull();
    expect(uploadTooLarge('a', 10 * GB, undefined)).toBeNull();
  });

  it('gives bytes when the sizes would read the same', () => {
    expect(uploadTooLarge('edge.bin', 100 * MB + 1, 100 * MB)).toBe('edge.bin is 104,857,601 bytes; this host takes files up to 104,857,600 bytes');
  });
});

describe('formatBytes', () => {
  it('reads as people say sizes', () => {
    expect([0, 1023, 1024, 1536, 10 * 1024, 30 * MB, GB, 1.5 * 1024 * GB].map(formatBytes)).toEqual(['0 B', '1023 B', '1 KB', '1.5 KB', '10 KB', '30 MB', '1 GB', '1.5 TB']);
  });
  it('the CLI prints a size as the app does', () => {
    const sizes = [0, 999, 1000, 1024, 24 * MB, 25 * 1000 * 1000, 100 * MB, 3 * GB];
    expect(sizes.map(cliFormatBytes)).toEqual(sizes.map(formatBytes));
    expect(cliFormatBytes(24 * MB)).toBe('24 MB');
  });
});
