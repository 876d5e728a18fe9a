/**
 * The viewer's files panel: the workspace's files with size and date; download (Electron: a save
 * dialog; browser mode: the signed link, as a normal download), delete (asked twice), and
 * "Export from desktop…" for a path under /home/user, which then downloads like the rest.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Icon } from '../components/Icon';
import { useToast } from '../hooks/useToasts';
import { orgo } from '../orgo';
import type { DownloadAnswer, FileView } from '../../../shared/ipc/types';
import { formatBytes, formatDate } from './format';

/** Hands a file to this machine, and says where it went (a save dialog's path, or the browser's downloads). */
function deliver(d: DownloadAnswer, toast: ReturnType<typeof useToast>, title = 'Saved'): void {
  if ('url' in d) {
    const a = document.createElement('a');
    a.href = d.url;
    a.download = d.name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
    toast({ kind: 'success', title, detail: `Downloading as “${d.name}” to this browser’s downloads folder.` });
  } else if (d.savedTo) toast({ kind: 'success', title, detail: `Saved to ${d.savedTo}` });
}

export interface FilesPanelProps {
  computerId: string;
  /** Bumped when an upload lands. */
  version: number;
  /** Whose files these are, for the heading: the computer's workspace. */
  workspaceName: string | null;
  /** Puts files from this machine on the computer's Desktop (with the viewer's progress list). */
  upload: (files: File[]) => void;
}

export function FilesPanel({ computerId, version, workspaceName, upload }: FilesPanelProps) {
  const picker = useRef<HTMLInputElement>(null);
  const toast = useToast();
  const [files, setFiles] = useState<FileView[] | null>(null);
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [exportPath, setExportPath] = useState('/home/user/Desktop/');
  const [exporting, setExporting] = useState(false);

  const load = useCallback(async () => {
    try {
      setFiles(await orgo.files.list({ computerId }));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }, [computerId]);
  useEffect(() => void load(), [load, version]);

  const download = async (f: FileView) => {
    try {
      deliver(await orgo.files.download({ id: f.id }), toast);
    } catch (e) {
      toast({ kind: 'error', title: `Could not download “${f.name}”`, detail: (e as Error).message });
    }
  };
  const remove = async (f: FileView) => {
    setConfirming(null);
    try {
      await orgo.files.delete({ id: f.id });
      await load();
    } catch (e) {
      toast({ kind: 'error', title: `Could not delete “${f.name}”`, detail: (e as Error).message });
    }
  };
  const exportFile = async (e: React.FormEvent) => {
    e.preventDefault();
    setExporting(true);
    try {
      const r = await orgo.files.export({ computerId, path: exportPath });
      deliver(r.download, toast, `Exported ${exportPath}`);
      await load();
    } catch (err) {
      toast({ kind: 'error', title: `Could not export ${exportPath}`, detail: (err as Error).message });
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="panel-body files-panel">
      <div className="upload-row">
        <button className="button small" onClick={() => picker.current?.click()} data-testid="upload-button">
          <Icon name="upload" size={14} /> Upload files…
        </button>
        <span className="muted small">or drop them on this window. They go to the Desktop.</span>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="upload-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length) upload(files);
          }}
        />
      </div>
      <form className="export-form" onSubmit={exportFile}>
        <label htmlFor="export-path">Export from desktop…</label>
        <div className="export-row">
          <input id="export-path" className="input small" value={exportPath} onChange={(e) => setExportPath(e.target.value)} spellCheck={false} data-testid="export-path" />
          <button className="button small" type="submit" disabled={exporting || !exportPath.startsWith('/home/user/')} data-testid="export-submit">
            {exporting ? <span className="spinner" /> : <Icon name="external" size={14} />} Export
          </button>
        </div>
      </form>
      <div className="files-head">
        <span className="muted files-owner" data-testid="files-owner" title={workspaceName ?? undefined}>
          {files ? `${files.length} file${files.length === 1 ? '' : 's'} in workspace “${workspaceName ?? '…'}”` : 'Loading…'}
        </span>
        <button className="tool icon-only" title="Refresh" aria-label="Refresh files" onClick={() => void load()}>
          <Icon name="refresh" size={14} />
        </button>
      </div>
      {error && (
        <p className="upload-error" role="alert">
          {error}
        </p>
      )}
      <ul className="files-list" data-testid="files-list">
        {files?.map((f) => (
          <li key={f.id} data-testid="file-row" data-name={f.name}>
            <Icon name="file" size={15} />
            <div className="file-meta">
              <span className="file-name" title={f.name}>
                {f.name}
              </span>
              <span className="muted small">
                {formatBytes(f.size)} · {formatDate(f.created_at)}
              </span>
            </div>
            {confirming === f.id ? (
              <span className="confirm">
                <button className="button danger small" onClick={() => void remove(f)} data-testid="file-delete-confirm">
                  Delete
                </button>
                <button className="button small" onClick={() => setConfirming(null)}>
                  Keep
                </button>
              </span>
            ) : (
              <span className="file-actions">
                <button className="tool icon-only" title="Download" aria-label={`Download ${f.name}`} onClick={() => void download(f)} data-testid="file-download">
                  <Icon name="download" size={14} />
                </button>
                <button className="tool icon-only" title="Delete…" aria-label={`Delete ${f.name}`} onClick={() => setConfirming(f.id)} data-testid="file-delete">
                  <Icon name="trash" size={14} />
                </button>
              </span>
            )}
          </li>
        ))}
        {files && !files.length && <li className="muted panel-empty">No files yet. Drop files onto this window to put them on the desktop.</li>}
      </ul>
    </div>
  );
}
