/**
 * Makes a computer's row in the list a drop target: files dropped on it go to that computer's
 * Desktop, with the same per-file progress, cancel and errors as the viewer (useUploads).
 */
import { useRef, useState, type ReactNode } from 'react';
import { useUploads } from '../hooks/useUploads';
import { UploadList } from './UploadList';
import '../styles/panels.css';

export function FileDrop({ computerId, name, enabled, children }: { computerId: string; name: string; enabled: boolean; children: ReactNode }) {
  const uploads = useUploads(computerId);
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: React.DragEvent) => enabled && Array.from(e.dataTransfer.types).includes('Files');
  return (
    <div
      className={`file-drop${over ? ' is-over' : ''}`}
      data-testid="row-drop"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => hasFiles(e) && e.preventDefault()}
      onDragLeave={() => {
        if (--depth.current <= 0) {
          depth.current = 0;
          setOver(false);
        }
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = Array.from(e.dataTransfer.files);
        if (files.length) uploads.add(files);
      }}
    >
      {children}
      {over && <div className="row-drop-hint">Drop to put the files on “{name}”’s Desktop</div>}
      <div className="row-uploads">
        <UploadList uploads={uploads.uploads} cancel={uploads.cancel} dismiss={uploads.dismiss} />
      </div>
    </div>
  );
}
