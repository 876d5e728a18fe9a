/**
 * Marks the agent's last click or drag on the desktop itself for a moment: a ring over the
 * viewer's canvas at the screen point, placed from the canvas's size on the page and its
 * framebuffer size (the remote screen's), so it lands right at any scale.
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Mark } from '../hooks/useAgent';

const SHOW_MS = 2500;

export function AgentMark({ mark }: { mark: Mark | null }) {
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  useEffect(() => {
    if (!mark) return;
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-screen"] canvas');
    if (!canvas || !canvas.width) return;
    const r = canvas.getBoundingClientRect();
    setPos({ left: r.left + (mark.x / canvas.width) * r.width, top: r.top + (mark.y / canvas.height) * r.height });
    const t = setTimeout(() => setPos(null), SHOW_MS);
    return () => clearTimeout(t);
  }, [mark]);
  if (!mark || !pos) return null;
  return createPortal(<div className="agent-mark" style={{ left: pos.left, top: pos.top }} data-testid="agent-mark" data-action={mark.action} data-x={mark.x} data-y={mark.y} />, document.body);
}
