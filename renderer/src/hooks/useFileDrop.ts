/**
 * Makes an element a target for files dragged from this machine: `over` while files hover it
 * (counted across child elements, whose enter/leave events interleave), and `onFiles` with the
 * dropped files. Drags that carry no files (text, links) pass through untouched. Used by the
 * viewer and by each computer's row in the list.
 */
import { useRef, useState, type DragEvent } from 'react';

export interface FileDropHandlers {
  onDragEnter: (e: DragEvent) => void;
  onDragOver: (e: DragEvent) => void;
  onDragLeave: (e: DragEvent) => void;
  onDrop: (e: DragEvent) => void;
}

export function useFileDrop(onFiles: (files: File[]) => void, enabled = true): { over: boolean; handlers: FileDropHandlers } {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: DragEvent) => enabled && Array.from(e.dataTransfer?.types ?? []).includes('Files');
  const reset = () => {
    depth.current = 0;
    setOver(false);
  };
  return {
    over,
    handlers: {
      onDragEnter: (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      },
      onDragOver: (e) => {
        if (hasFiles(e)) e.preventDefault();
      },
      onDragLeave: () => {
        if (depth.current > 0 && --depth.current === 0) reset();
      },
      onDrop: (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        reset();
        const files = Array.from(e.dataTransfer.files);
        if (files.length) onFiles(files);
      },
    },
  };
}
