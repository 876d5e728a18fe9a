/**
 * The viewer's bar: the computer's name and connection, how the desktop fits the window, input
 * (view only, Ctrl+Alt+Del), screenshot, sound, clipboard sync, one button per side panel, and
 * full screen. Every tool is a prop: the window decides what they do.
 */
import type { ReactNode } from 'react';
import type { ComputerView } from '../../../shared/ipc/types';
import { Icon, type IconName } from '../components/Icon';
import { StatusPill } from '../components/StatusPill';
import type { ConnState } from '../vnc/useRfb';
import { CONN_LABEL } from './ViewerOverlay';
import type { PanelSpec } from './panels';

/** Scale to the window and remote resize are one exclusive choice, as in noVNC's own app. */
export type Fit = 'scale' | 'resize' | 'actual';
export const FIT_IDS = ['scale', 'resize', 'actual'] as const;
const FITS: Array<{ id: Fit; label: string; icon: IconName; title: string }> = [
  { id: 'scale', label: 'Scale', icon: 'fit', title: 'Scale the desktop to fit this window' },
  { id: 'resize', label: 'Resize', icon: 'resize', title: "Resize the computer's screen to this window" },
  { id: 'actual', label: '1:1', icon: 'actual', title: 'Actual size, scroll to see the rest' },
];

export interface AudioTool {
  on: boolean;
  toggle: () => void;
  state: string;
  level: { frames: number; peak: number; playing: string };
}

export interface ViewerToolbarProps {
  computer: ComputerView | undefined;
  state: ConnState;
  fit: Fit;
  setFit: (f: Fit) => void;
  viewOnly: boolean;
  setViewOnly: (on: boolean) => void;
  onCtrlAltDel: () => void;
  onScreenshot: () => void;
  audio: AudioTool;
  clipboard: { on: boolean; toggle: () => void };
  panels: readonly PanelSpec[];
  panel: string | null;
  onPanel: (id: string) => void;
  fullscreen: boolean;
  onFullscreen: () => void;
  /** More tools (picture quality, streaming), each its own component, before full screen. */
  extra?: ReactNode;
}

export function ViewerToolbar(p: ViewerToolbarProps) {
  const connected = p.state === 'connected';
  return (
    <header className="viewer-bar">
      <div className="viewer-title">
        <span className={`conn-dot conn-${p.state}`} title={CONN_LABEL[p.state]} />
        <span className="viewer-name" title={p.computer?.name}>
          {p.computer?.name ?? '…'}
        </span>
        {p.computer && p.computer.status !== 'running' ? (
          <StatusPill status={p.computer.status} />
        ) : (
          <span className="conn-label" data-testid="conn-state" data-state={p.state}>
            {CONN_LABEL[p.state]}
          </span>
        )}
      </div>
      <div className="viewer-tools">
        <div className="segmented" role="radiogroup" aria-label="Fit">
          {FITS.map((f) => (
            <button key={f.id} role="radio" aria-checked={p.fit === f.id} className={p.fit === f.id ? 'active' : ''} title={f.title} onClick={() => p.setFit(f.id)} data-testid={`fit-${f.id}`}>
              <Icon name={f.icon} size={15} /> {f.label}
            </button>
          ))}
        </div>
        <span className="tool-sep" />
        <button className={`tool${p.viewOnly ? ' active' : ''}`} aria-pressed={p.viewOnly} title={p.viewOnly ? 'View only: your mouse and keyboard do not reach the computer' : 'Make view only'} onClick={() => p.setViewOnly(!p.viewOnly)} data-testid="view-only">
          <Icon name={p.viewOnly ? 'eyeoff' : 'eye'} size={16} />
          <span>View only</span>
        </button>
        <button className="tool" title="Send Ctrl+Alt+Del" disabled={!connected || p.viewOnly} onClick={p.onCtrlAltDel} data-testid="ctrl-alt-del">
          <Icon name="keyboard" size={16} />
          <span>Ctrl+Alt+Del</span>
        </button>
        <button className="tool icon-only" title="Save a screenshot" aria-label="Save a screenshot" disabled={!connected} onClick={p.onScreenshot} data-testid="screenshot">
          <Icon name="camera" size={16} />
        </button>
        <span className="tool-sep" />
        <button
          className={`tool icon-only${p.audio.on ? ' active' : ''}`}
          aria-pressed={p.audio.on}
          title={p.audio.on ? `Sound on (${p.audio.state === 'open' ? 'playing the desktop' : p.audio.state})` : "Play the desktop's sound"}
          aria-label="Sound"
          onClick={p.audio.toggle}
          data-testid="audio-toggle"
          data-frames={p.audio.level.frames}
          data-peak={p.audio.level.peak.toFixed(3)}
          data-audio={p.audio.level.playing}
        >
          <Icon name={p.audio.on ? 'speaker' : 'mute'} size={16} />
        </button>
        <button
          className={`tool icon-only${p.clipboard.on ? ' active' : ''}`}
          aria-pressed={p.clipboard.on}
          title={p.clipboard.on ? 'Clipboard sync on: copying here or on the desktop reaches the other side' : 'Clipboard sync off'}
          aria-label="Clipboard sync"
          onClick={p.clipboard.toggle}
          data-testid="clipboard-toggle"
        >
          <Icon name="clipboard" size={16} />
        </button>
        {p.panels.map((panel) => (
          <button key={panel.id} className={`tool panel-tool${p.panel === panel.id ? ' active' : ''}`} aria-pressed={p.panel === panel.id} aria-label={panel.label} title={`${panel.label} panel`} onClick={() => p.onPanel(panel.id)} data-testid={`panel-${panel.id}`}>
            <Icon name={panel.icon} size={15} />
            <span>{panel.label}</span>
          </button>
        ))}
        {p.extra}
        <button className="tool icon-only" title={p.fullscreen ? 'Leave full screen' : 'Full screen'} aria-label="Full screen" onClick={p.onFullscreen} data-testid="fullscreen">
          <Icon name="fullscreen" size={16} />
        </button>
      </div>
    </header>
  );
}
