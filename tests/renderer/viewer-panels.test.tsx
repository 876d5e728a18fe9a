// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SidePanel } from '../../renderer/src/viewer/SidePanel';
import { ViewerToolbar, type ViewerToolbarProps } from '../../renderer/src/viewer/ViewerToolbar';
import type { PanelSpec } from '../../renderer/src/viewer/panels';
import { usePanels } from '../../renderer/src/viewer/usePanels';
import { computer } from './fixtures';

afterEach(cleanup);
beforeEach(() => localStorage.clear());

// A panel is one entry: these three stand for the viewer's, and a fourth shows adding one is enough.
const mounted = vi.fn();
function Counter({ name }: { name: string }) {
  useEffect(() => mounted(name), [name]);
  return <p>{name} body</p>;
}
const PANELS: PanelSpec[] = ['terminal', 'files', 'activity', 'agent'].map((id) => ({ id, label: id[0]!.toUpperCase() + id.slice(1), icon: 'folder', render: () => <Counter name={id} /> }));

function Viewer() {
  const panels = usePanels(PANELS.map((p) => p.id));
  const props: ViewerToolbarProps = {
    computer: computer(),
    state: 'connected',
    fit: 'scale',
    setFit: () => {},
    viewOnly: false,
    setViewOnly: () => {},
    onCtrlAltDel: () => {},
    onScreenshot: () => {},
    audio: { on: false, toggle: () => {}, state: 'off', level: { frames: 0, peak: 0, playing: 'off' } },
    clipboard: { on: true, toggle: () => {} },
    panels: PANELS,
    panel: panels.panel,
    onPanel: panels.toggle,
    fullscreen: false,
    onFullscreen: () => {},
  };
  return (
    <>
      <ViewerToolbar {...props} />
      <SidePanel panels={PANELS} panel={panels.panel} opened={panels.opened} onClose={() => panels.panel && panels.toggle(panels.panel)} body={(p) => p.render({} as never)} />
    </>
  );
}

describe('the viewer side panels', () => {
  it('has a toolbar button per panel entry, and shows one panel at a time', () => {
    render(<Viewer />);
    expect(screen.queryByTestId('side-panel')).toBeNull();
    fireEvent.click(screen.getByTestId('panel-agent'));
    expect(screen.getByTestId('side-panel').dataset.panel).toBe('agent');
    expect(screen.getByRole('heading', { name: 'Agent' })).toBeTruthy();
    expect(screen.getByTestId('panel-agent').getAttribute('aria-pressed')).toBe('true');
  });
  it('keeps an opened panel mounted (a terminal keeps its shell) while another shows', () => {
    mounted.mockClear();
    render(<Viewer />);
    fireEvent.click(screen.getByTestId('panel-terminal'));
    fireEvent.click(screen.getByTestId('panel-files'));
    expect(screen.getByTestId('side-slot-terminal').hidden).toBe(true);
    expect(screen.getByTestId('side-slot-files').hidden).toBe(false);
    fireEvent.click(screen.getByTestId('panel-terminal'));
    expect(mounted.mock.calls.filter(([n]) => n === 'terminal')).toHaveLength(1); // mounted once, never again
    expect(screen.getByTestId('side-slot-terminal').hidden).toBe(false);
  });
  it('closes with its own button or a second click, and is remembered for the next viewer', () => {
    const { unmount } = render(<Viewer />);
    fireEvent.click(screen.getByTestId('panel-files'));
    expect(localStorage.getItem('viewer.panel')).toBe('files');
    unmount();
    render(<Viewer />);
    expect(screen.getByTestId('side-panel').dataset.panel).toBe('files');
    fireEvent.click(screen.getByRole('button', { name: 'Close the panel' }));
    expect(screen.getByTestId('side-panel').hidden).toBe(true);
    expect(localStorage.getItem('viewer.panel')).toBe('none');
  });
  it('ignores a stored panel that no longer exists', () => {
    localStorage.setItem('viewer.panel', 'gone');
    render(<Viewer />);
    expect(screen.queryByTestId('side-panel')).toBeNull();
  });
});

describe('the viewer toolbar', () => {
  const base = (over: Partial<ViewerToolbarProps> = {}): ViewerToolbarProps => ({
    computer: computer(),
    state: 'connected',
    fit: 'scale',
    setFit: vi.fn(),
    viewOnly: false,
    setViewOnly: vi.fn(),
    onCtrlAltDel: vi.fn(),
    onScreenshot: vi.fn(),
    audio: { on: false, toggle: vi.fn(), state: 'off', level: { frames: 0, peak: 0, playing: 'off' } },
    clipboard: { on: true, toggle: vi.fn() },
    panels: [],
    panel: null,
    onPanel: vi.fn(),
    fullscreen: false,
    onFullscreen: vi.fn(),
    ...over,
  });
  it('keeps input tools off until connected, and Ctrl+Alt+Del off in view-only', () => {
    const { rerender } = render(<ViewerToolbar {...base({ state: 'connecting' })} />);
    expect((screen.getByTestId('ctrl-alt-del') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('screenshot') as HTMLButtonElement).disabled).toBe(true);
    rerender(<ViewerToolbar {...base({ viewOnly: true })} />);
    expect((screen.getByTestId('ctrl-alt-del') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('screenshot') as HTMLButtonElement).disabled).toBe(false);
  });
  it('fit is one choice of three; a stopped computer shows its status instead of the connection', () => {
    const p = base();
    const { rerender } = render(<ViewerToolbar {...p} />);
    expect(screen.getAllByRole('radio').map((r) => r.getAttribute('aria-checked'))).toEqual(['true', 'false', 'false']);
    act(() => fireEvent.click(screen.getByTestId('fit-resize')));
    expect(p.setFit).toHaveBeenCalledWith('resize');
    expect(screen.getByTestId('conn-state').textContent).toBe('Connected');
    rerender(<ViewerToolbar {...base({ computer: computer({ status: 'stopped' }) })} />);
    expect(screen.queryByTestId('conn-state')).toBeNull();
    expect(screen.getByText(/stopped/i)).toBeTruthy();
  });
});
