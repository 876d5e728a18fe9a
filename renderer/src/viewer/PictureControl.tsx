/**
 * Picture quality and compression for this computer's viewer (noVNC's qualityLevel and
 * compressionLevel, as noVNC's own app offers them), applied live and remembered per computer.
 * Lower quality and higher compression suit a slow link.
 */
import { useEffect, useRef, useState } from 'react';
import type { ViewerPrefs } from '../../../shared/ipc/types';
import { Icon } from '../components/Icon';
import '../styles/manage.css';

export const PRESETS: Array<{ id: string; label: string; prefs: ViewerPrefs }> = [
  { id: 'sharp', label: 'Sharp', prefs: { quality: 9, compression: 1 } },
  { id: 'balanced', label: 'Balanced', prefs: { quality: 6, compression: 2 } },
  { id: 'slow', label: 'Slow link', prefs: { quality: 2, compression: 9 } },
];

export function qualityWords(q: number): string {
  return q >= 8 ? 'sharpest, most data' : q >= 5 ? 'clear' : q >= 3 ? 'softer, less data' : 'blocky, least data';
}
export function compressionWords(c: number): string {
  return c >= 7 ? 'least bandwidth, more CPU' : c >= 4 ? 'less bandwidth' : 'fastest, more bandwidth';
}

export function PictureControl({ prefs, set, error }: { prefs: ViewerPrefs | null; set: (p: ViewerPrefs) => void; error: string | null }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  const preset = prefs && PRESETS.find((p) => p.prefs.quality === prefs.quality && p.prefs.compression === prefs.compression);
  return (
    <div className="popover-anchor" ref={ref}>
      <button
        className={`tool icon-only${open ? ' active' : ''}`}
        aria-expanded={open}
        aria-label="Picture quality"
        title={prefs ? `Picture: ${preset ? preset.label : 'custom'} (quality ${prefs.quality}, compression ${prefs.compression})` : 'Picture quality'}
        data-preset={preset ? preset.id : 'custom'}
        onClick={() => setOpen(!open)}
        disabled={!prefs}
        data-testid="picture-tool"
        data-quality={prefs?.quality}
        data-compression={prefs?.compression}
      >
        <Icon name="image" size={16} />
      </button>
      {open && prefs && (
        <div className="tool-popover" role="dialog" aria-label="Picture" data-testid="picture-popover">
          <h4>Picture for this computer</h4>
          <div className="segmented" role="radiogroup" aria-label="Picture preset">
            {PRESETS.map((p) => (
              <button key={p.id} role="radio" aria-checked={preset?.id === p.id} className={preset?.id === p.id ? 'active' : ''} onClick={() => set(p.prefs)} data-testid={`picture-${p.id}`}>
                {p.label}
              </button>
            ))}
          </div>
          <label className="range-row">
            <span>
              Quality <b data-testid="quality-value">{prefs.quality}</b>
            </span>
            <input type="range" min={0} max={9} step={1} value={prefs.quality} onChange={(e) => set({ ...prefs, quality: Number(e.target.value) })} aria-label="Quality" />
            <span className="hint">{qualityWords(prefs.quality)}</span>
          </label>
          <label className="range-row">
            <span>
              Compression <b data-testid="compression-value">{prefs.compression}</b>
            </span>
            <input type="range" min={0} max={9} step={1} value={prefs.compression} onChange={(e) => set({ ...prefs, compression: Number(e.target.value) })} aria-label="Compression" />
            <span className="hint">{compressionWords(prefs.compression)}</span>
          </label>
          <span className="hint">Applies at once and is remembered for this computer.</span>
          {error && (
            <span className="hint danger-text" role="alert">
              {error}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
