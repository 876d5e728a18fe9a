/**
 * Saving a file's bytes to a path (Node only, e.g. after the app's save dialog), streamed with
 * progress and cancel. Bytes go to `<path>.part` first and are renamed at the end, so a
 * cancelled or failed download never leaves a half file under the chosen name.
 */

export interface DownloadProgress {
  received: number;
  /** From Content-Length; null when the server did not say. */
  total: number | null;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

interface NodeFileHandle {
  write(buffer: Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}
interface NodeFs {
  open(path: string, flags: string, mode?: number): Promise<NodeFileHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

// A variable, so that bundlers for the browser do not try to resolve Node's module.
const NODE_FS: string = 'node:fs/promises';

/** Downloads `url` (a signed link: no key needed) into `toPath`; answers the byte count. */
export async function saveUrlTo(fetchImpl: typeof fetch, url: string, toPath: string, options: DownloadOptions = {}): Promise<number> {
  const fs = (await import(/* @vite-ignore */ NODE_FS)) as NodeFs;
  const res = await fetchImpl(url, { signal: options.signal });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 300) || res.statusText;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch {
      /* not JSON */
    }
    throw new Error(`Download failed (${res.status}): ${message}`);
  }
  const totalHeader = res.headers.get('content-length');
  const total = totalHeader === null ? null : Number(totalHeader);
  const part = `${toPath}.part`;
  const out = await fs.open(part, 'w', 0o644);
  let received = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      await out.write(r.value);
      received += r.value.byteLength;
      options.onProgress?.({ received, total });
    }
    await out.close();
    if (total !== null && received !== total) throw new Error(`Download ended early: ${received} of ${total} bytes`);
    await fs.rename(part, toPath);
    return received;
  } catch (e) {
    await out.close().catch(() => {});
    await fs.rm(part, { force: true });
    throw e;
  }
}
