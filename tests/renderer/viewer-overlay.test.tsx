// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ViewerOverlay, overlayFor } from '../../renderer/src/viewer/ViewerOverlay';
import { computer } from './fixtures';

afterEach(cleanup);

describe('what covers the desktop', () => {
  const base = { loaded: true, computer: computer(), state: 'connected' as const, firstFrameAt: 1 };
  it('nothing once the first frame is drawn', () => expect(overlayFor(base)).toBeNull());
  it('waits for the list and for the first frame', () => {
    expect(overlayFor({ ...base, loaded: false, computer: undefined, state: 'connecting' })).toBe('waiting');
    expect(overlayFor({ ...base, firstFrameAt: null })).toBe('waiting');
  });
  it('says the computer is gone once the list has loaded without it', () => expect(overlayFor({ ...base, computer: undefined })).toBe('gone'));
  it('a stopped computer comes before any connection state', () => expect(overlayFor({ ...base, computer: computer({ status: 'stopped' }), state: 'failed' })).toBe('not-running'));
  it('tells reconnecting from lost', () => {
    expect(overlayFor({ ...base, state: 'reconnecting' })).toBe('reconnecting');
    expect(overlayFor({ ...base, state: 'failed' })).toBe('lost');
    expect(overlayFor({ ...base, state: 'disconnected' })).toBe('lost');
  });
});

describe('ViewerOverlay', () => {
  const props = { loaded: true, state: 'connected' as const, firstFrameAt: 1, message: '', starting: false, onStart: vi.fn(), onReconnect: vi.fn() };
  it('offers Start for a stopped computer and calls it', () => {
    render(<ViewerOverlay {...props} computer={computer({ status: 'stopped' })} />);
    expect(screen.getByRole('heading').textContent).toBe('“ridge-50” is stopped');
    fireEvent.click(screen.getByRole('button', { name: /Start computer/ }));
    expect(props.onStart).toHaveBeenCalledOnce();
  });
  it('offers no Start while the computer is on its way, and shows its error when it failed', () => {
    const { rerender } = render(<ViewerOverlay {...props} computer={computer({ status: 'starting' })} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByRole('heading').textContent).toBe('“ridge-50” is starting…');
    rerender(<ViewerOverlay {...props} computer={computer({ status: 'error', error_message: 'Xvnc exited' })} />);
    expect(screen.getByText('Xvnc exited')).toBeTruthy();
  });
  it("a lost connection says why and reconnects on request", () => {
    render(<ViewerOverlay {...props} computer={computer()} state="failed" message="The desktop refused the password" />);
    expect(screen.getByRole('heading').textContent).toBe('Could not connect');
    expect(screen.getByText('The desktop refused the password')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Reconnect/ }));
    expect(props.onReconnect).toHaveBeenCalledOnce();
  });
});
