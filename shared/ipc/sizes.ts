/**
 * Sizes as people read them, and the words for a file too large for the host, shared by main
 * (which refuses it before sending), the windows (which refuse it before asking main) and the CLI.
 * Binary units labelled KB/MB/GB (1 MB = 1024 KB), the convention of the host's --max-upload-mb
 * and of disk and memory sizes, so a limit of "100 MB" reads as 100 MB wherever it is printed.
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)} ${units[i]}`;
}

/**
 * Null when a file of `size` bytes fits under the host's limit (or the host names none), else
 * why not, in words: "report.iso is 2.1 GB; this host takes files up to 1 GB".
 */
export function uploadTooLarge(name: string, size: number, maxBytes: number | null | undefined): string | null {
  if (maxBytes == null || size <= maxBytes) return null;
  let [is, max] = [formatBytes(size), formatBytes(maxBytes)];
  // Just over the limit rounds to the limit itself: then the bytes say it.
  if (is === max) [is, max] = [`${size.toLocaleString('en-US')} bytes`, `${maxBytes.toLocaleString('en-US')} bytes`];
  return `${name} is ${is}; this host takes files up to ${max}`;
}
