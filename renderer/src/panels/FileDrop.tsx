/**
 * Makes a computer's row in the list a drop target: files dropped on it go to that computer's
 * Desktop, with the same per-file progress, cancel and errors as the viewer (useUploads).
 */
import type { ReactNode } from 'react';
import { useFileDrop } from '../hooks/useFileDrop';
import { useUploads } from '../hooks/useUploads';
import { UploadList } from './UploadList';
import '../styles/panels.css';

export function FileDrop({ computerId, name, enabled, children }: { computerId: string; name: string; enabled: boolean; children: ReactNode }) {
  const uploads = useUploads(computerId);
  const drop = useFileDrop(uploads.add, enabled);
  return (
    <div className={`file-drop${drop.over ? ' is-over' : ''}`} data-testid="row-drop" {...drop.handlers}>
      {children}
      {drop.over && <div className="row-drop-hint">Drop to put the files on “{name}”’s Desktop</div>}
      <div className="row-uploads">
        <UploadList uploads={uploads.uploads} cancel={uploads.cancel} dismiss={uploads.dismiss} />
      </div>
    </div>
  );
}
