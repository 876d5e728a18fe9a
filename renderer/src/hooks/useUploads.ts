/**
 * Dropped files going onto a computer's Desktop, each with its progress, a cancel, and its own
 * error (too large, computer deleted, network) that leaves the others alone. Electron: the
 * preload turns each File into its path and main streams it from disk. Browser mode: the page
 * posts the bytes to a one-time address on the launcher (XMLHttpRequest, for upload progress),
 * which pipes them on to the API; the page never sees the API key. A file larger than the host
 * takes (its limit, asked of main on each drop: main keeps it a minute and checks a refusal
 * against the host's figure of the moment) is refused in words before a byte is sent.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { orgo } from '../orgo';
import { uploadTooLarge } from '../../../shared/ipc/sizes';
import type { FileView } from '../../../shared/ipc/types';

declare global {
  interface Window {
    /** Electron's preload only. */
    orgoFiles?: { pathFor(file: File): string };
  }
}

export interface Upload {
  id: string;
  name: string;
  size: number;
  sent: number;
  state: 'uploading' | 'done' | 'failed' | 'cancelled';
  error?: string;
}

let counter = 0;

/** The browser gave up on an upload before sending any of it. */
class NotSent extends Error {}
/** Retries of an upload the browser never started: 0.25 s doubling, about 15 s in all. */
const NOT_SENT_RETRIES = 6;

export function useUploads(computerId: string, onDone?: (f: FileView) => void) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const cancels = useRef(new Map<string, () => void>());
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  const patch = useCallback((id: string, p: Partial<Upload>) => setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...p } : u))), []);
  // Asked on each drop, so a host restarted with another --max-upload-mb is heard in an open
  // window. Unknown (the host does not say, or asking failed): the host decides, as before.
  const maxBytes = useCallback(() => orgo.files.limit({ computerId }).then((l) => l.maxBytes, () => null), [computerId]);

  // Electron's progress arrives as events from main.
  useEffect(
    () =>
      orgo.on('files.progress', ({ uploadId, sent, total }) => {
        setUploads((list) => list.map((u) => (u.id === uploadId && u.state === 'uploading' ? { ...u, sent: Math.min(u.size, Math.round((sent / Math.max(1, total)) * u.size)) } : u)));
      }),
    [],
  );

  const post = useCallback(
    (file: File, id: string, { url }: { url: string }) =>
      new Promise<FileView>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        let progressed = false;
        xhr.open('POST', `${url}?name=${encodeURIComponent(file.name)}`);
        xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
        xhr.upload.onprogress = (e) => {
          progressed ||= e.loaded > 0;
          patch(id, { sent: e.loaded });
        };
        xhr.onload = () => {
          let body: { error?: string } & Partial<FileView> = {};
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            /* words below */
          }
          if (xhr.status === 200) resolve(body as FileView);
          else reject(new Error(body.error ?? `The upload failed (HTTP ${xhr.status})`));
        };
        xhr.onerror = () => reject(progressed ? new Error('Network: the upload was interrupted') : new NotSent('Network: the upload could not start'));
        xhr.onabort = () => reject(new Error('Cancelled'));
        cancels.current.set(id, () => xhr.abort());
        xhr.send(file);
      }),
    [patch],
  );

  const one = useCallback(
    async (file: File, id: string, limit: Promise<number | null>) => {
      // Finished and cancelled ones leave by themselves after a while; failures stay until dismissed.
      const later = () => setTimeout(() => setUploads((list) => list.filter((u) => u.id !== id)), 12_000);
      const finish = (f: FileView) => {
        patch(id, { state: 'done', sent: file.size, name: f.name });
        doneRef.current?.(f);
        later();
      };
      const fail = (message: string) => {
        patch(id, message === 'Cancelled' ? { state: 'cancelled' } : { state: 'failed', error: message });
        if (message === 'Cancelled') later();
      };
      try {
        const tooLarge = uploadTooLarge(file.name, file.size, await limit);
        if (tooLarge) throw new Error(tooLarge);
        if (window.orgoFiles) {
          const path = window.orgoFiles.pathFor(file);
          if (!path) throw new Error('This item has no file on disk (drop files from a folder)');
          cancels.current.set(id, () => void orgo.files.cancel({ uploadId: id }));
          finish(await orgo.files.upload({ computerId, uploadId: id, path }));
          return;
        }
        // A request the browser aborted before a byte left (waiting for its connection when the
        // machine's addresses changed: net::ERR_NETWORK_CHANGED) never reached the launcher, so
        // it goes again on a fresh one-time address; addresses can change for a while (a VPN
        // coming up, a storm of them), so again with backoff, for about 15 s in all.
        for (let attempt = 0; ; attempt++) {
          try {
            finish(await post(file, id, await orgo.files.uploadTarget({ computerId })));
            return;
          } catch (e) {
            if (!(e instanceof NotSent) || attempt >= NOT_SENT_RETRIES) throw e;
            // Cancel works while it waits too.
            await new Promise<void>((resolve, reject) => {
              const t = setTimeout(resolve, 250 * 2 ** attempt);
              cancels.current.set(id, () => {
                clearTimeout(t);
                reject(new Error('Cancelled'));
              });
            });
          }
        }
      } catch (e) {
        fail((e as Error).message);
      } finally {
        cancels.current.delete(id);
      }
    },
    [computerId, patch, post],
  );

  const add = useCallback(
    (files: File[]) => {
      const added = files.map((f) => ({ id: `up-${Date.now().toString(36)}-${counter++}`, name: f.name, size: f.size, sent: 0, state: 'uploading' as const }));
      setUploads((list) => [...list.filter((u) => u.state === 'uploading' || u.state === 'failed'), ...added]);
      const limit = maxBytes();
      files.forEach((f, i) => void one(f, added[i]!.id, limit));
    },
    [one, maxBytes],
  );
  const cancel = (id: string) => cancels.current.get(id)?.();
  const dismiss = (id: string) => setUploads((list) => list.filter((u) => u.id !== id));

  return { uploads, add, cancel, dismiss };
}
