// @vitest-environment happy-dom
import { cleanup, createEvent, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useFileDrop } from '../../renderer/src/hooks/useFileDrop';

afterEach(cleanup);

function Target({ onFiles, enabled = true }: { onFiles: (f: File[]) => void; enabled?: boolean }) {
  const drop = useFileDrop(onFiles, enabled);
  return (
    <div data-testid="target" data-over={drop.over} {...drop.handlers}>
      <span data-testid="child">inside</span>
    </div>
  );
}

/** A drag event carrying what a real one from the file manager carries. */
function drag(type: 'dragEnter' | 'dragOver' | 'dragLeave' | 'drop', el: Element, files: File[] | null) {
  const ev = createEvent[type](el);
  const dataTransfer = { types: files ? ['Files'] : ['text/plain'], files: files ?? [] };
  Object.defineProperty(ev, 'dataTransfer', { value: dataTransfer });
  fireEvent(el, ev);
  return ev;
}

describe('useFileDrop', () => {
  it('shows the hover across child elements and hands over the dropped files', () => {
    const onFiles = vi.fn();
    render(<Target onFiles={onFiles} />);
    const target = screen.getByTestId('target');
    const child = screen.getByTestId('child');
    expect(drag('dragEnter', target, [new File(['a'], 'a.txt')]).defaultPrevented).toBe(true);
    drag('dragEnter', child, [new File(['a'], 'a.txt')]);
    drag('dragLeave', target, null); // leaving the parent for the child: still over
    expect(target.dataset.over).toBe('true');
    expect(drag('dragOver', child, [new File(['a'], 'a.txt')]).defaultPrevented).toBe(true); // or the drop never comes
    const files = [new File(['a'], 'a.txt'), new File(['bb'], 'b.txt')];
    drag('drop', child, files);
    expect(onFiles).toHaveBeenCalledWith(files);
    expect(target.dataset.over).toBe('false');
  });
  it('ends the hover when the drag leaves', () => {
    render(<Target onFiles={vi.fn()} />);
    const target = screen.getByTestId('target');
    drag('dragEnter', target, [new File(['a'], 'a.txt')]);
    drag('dragLeave', target, null);
    expect(target.dataset.over).toBe('false');
  });
  it('lets drags without files pass, and ignores all when disabled', () => {
    const onFiles = vi.fn();
    const { rerender } = render(<Target onFiles={onFiles} />);
    const target = screen.getByTestId('target');
    expect(drag('dragEnter', target, null).defaultPrevented).toBe(false);
    expect(target.dataset.over).toBe('false');
    rerender(<Target onFiles={onFiles} enabled={false} />);
    expect(drag('dragEnter', target, [new File(['a'], 'a.txt')]).defaultPrevented).toBe(false);
    drag('drop', target, [new File(['a'], 'a.txt')]);
    expect(onFiles).not.toHaveBeenCalled();
  });
});
