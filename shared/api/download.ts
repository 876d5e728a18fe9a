/**
 * Saving a file's bytes to a path (Node only, e.g. after the app's save dialog), streamed with
 * progress and cancel. Bytes go to `<path>.part` first and are renamed at the end, so a
 * cancelled or failed download never leaves a half file under the chosen name.
 */
import { errorBody } from './answer.js';

export interface DownloadProgress {
  received: number;
  /** From Content-Length; null when the server did not say. */
  total: number | null;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

interface NodeFs {
  createWriteStream(path: string, options: { mode: number; highWaterMark: number }): unknown;
  promises: { rename(from: string, to: string): Promise<void>; rm(path: string, options: { force: boolean }): Promise<void> };
}
interface NodeStream {
  Readable: { fromWeb(stream: ReadableStream<Uint8Array>): unknown };
  promises: { pipeline(...stages: unknown[]): Promise<void> };
}

// Variables, so that bundlers for the browser do not try to resolve Node's modules.
const NODE_FS: string = 'node:fs';
const NODE_STREAM: string = 'node:stream';

/** Downloads `url` (a signed link: no key needed) into `toPath`; answers the byte count. */
export async function saveUrlTo(fetchImpl: typeof fetch, url: string, toPath: string, options: DownloadOptions = {}): Promise<number> {
  const fs = (await import(/* @vite-ignore */ NODE_FS)) as NodeFs;
  const stream = (await import(/* @vite-ignore */ NODE_STREAM)) as NodeStream;
  const res = await fetchImpl(url, { signal: options.signal });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    throw new Error(`Download failed (${res.status}): ${errorBody(text, res.statusText).error}`);
  }
  const totalHeader = res.headers.get('content-length');
  const total = totalHeader === null ? null : Number(totalHeader);
  const part = `${toPath}.part`;
  let received = 0;
  async function* counted(source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      received += chunk.byteLength;
      options.onProgress?.({ received, total });
      yield chunk;
    }
  }
  try {
    // A write stream batches the network's small pieces into few writes.
    await stream.promises.pipeline(stream.Readable.fromWeb(res.body), counted, fs.createWriteStream(part, { mode: 0o644, highWaterMark: 1 << 20 }));
    if (total !== null && received !== total) throw new Error(`Download ended early: ${received} of ${total} bytes`);
    await fs.promises.rename(part, toPath);
    return received;
  } catch (e) {
    await fs.promises.rm(part, { force: true });
    throw e;
  }
}
