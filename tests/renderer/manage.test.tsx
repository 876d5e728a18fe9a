// @vitest-environment happy-dom
/**
 * Managing computers from the list (resize with its result per field, limits on the row),
 * workspaces (rename, delete's words), the viewer's picture and stream tools. The IPC contract is
 * the real one (buildApi); its transport here answers as main would, and records what was asked.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResizeAnswer } from '../../shared/api/manage';
import { computer, workspace } from './fixtures';

const calls = vi.hoisted(() => ({ log: [] as Array<[string, unknown]>, answers: new Map<string, unknown>() }));
vi.hoisted(async () => {
  const { buildApi } = await import('../../shared/ipc/api');
  window.orgo = buildApi({
    invoke: async (channel, input) => {
      calls.log.push([channel, input]);
      const a = calls.answers.get(channel);
      if (a instanceof Error) return { ok: false, error: { message: a.message } };
      return { ok: true, value: a };
    },
    listen: () => () => {},
  });
});

import { ComputerLimits } from '../../renderer/src/manage/ComputerLimits';
import { ResizeDialog } from '../../renderer/src/manage/ResizeDialog';
import { initialValues, resizeChanges, resizeProblems, resultHeadline, resultLines } from '../../renderer/src/manage/resizeForm';
import { deleteWorkspaceWords, renameProblem } from '../../renderer/src/main/WorkspaceActions';
import { PictureControl } from '../../renderer/src/viewer/PictureControl';
import { StreamToggle, streamWords } from '../../renderer/src/viewer/StreamToggle';

afterEach(cleanup);
beforeEach(() => {
  calls.log.length = 0;
  calls.answers.clear();
});

const answer207: ResizeAnswer = {
  success: false,
  id: 'c1',
  vcpus: 2,
  mem_gb: 4,
  disk_size_gb: 30,
  bandwidth_limit_mbps: null,
  auto_stop_minutes: 0,
  results: {
    vcpus: { requested: 2, applied: 2, ok: true, error: null, takes_effect: 'now' },
    disk_size_gb: { requested: 30, applied: 30, ok: true, error: null, takes_effect: 'next_start' },
    mem_gb: { requested: 8, applied: 4, ok: false, error: 'the computer uses more than 8 GB now; free memory inside it first' },
  },
};

describe('the resize form', () => {
  const c = computer({ cpu: 1, ram: 4, disk_size_gb: 20, bandwidth_limit_mbps: null });
  it('sends only what changed, and removing a bandwidth limit sends 0', () => {
    const v = initialValues(c);
    expect(resizeChanges(v, c)).toEqual({});
    expect(resizeChanges({ ...v, vcpus: 2, disk: '30' }, c)).toEqual({ vcpus: 2, disk_size_gb: 30 });
    const limited = computer({ bandwidth_limit_mbps: 10 });
    expect(resizeChanges({ ...initialValues(limited), bandwidth: '' }, limited)).toEqual({ bandwidth_limit_mbps: 0 });
  });
  it('refuses a shrink, a fraction and nothing changed, in words', () => {
    const v = initialValues(c);
    expect(resizeProblems(v, c).nothing).toBe('Change a value to resize');
    expect(resizeProblems({ ...v, disk: '10' }, c).disk).toBe('A disk only grows: it is 20 GB now');
    expect(resizeProblems({ ...v, disk: '20.5' }, c).disk).toBe('Disk must be a whole number of GB');
    expect(resizeProblems({ ...v, bandwidth: 'fast' }, c).bandwidth).toMatch(/whole number of Mbit\/s/);
  });
  it("says per field what the API applied now, at the next start, or not and why", () => {
    const lines = resultLines(answer207);
    expect(lines.map((l) => [l.label, l.outcome, l.words])).toEqual([
      ['vCPUs', 'now', '2 vCPUs, in effect now'],
      ['Disk', 'next_start', '30 GB from the next start (recorded now)'],
      ['RAM', 'failed', 'Not changed (still 4 GB): the computer uses more than 8 GB now; free memory inside it first'],
    ]);
    expect(resultHeadline(answer207)).toBe('Some changes were applied, some were not');
  });
});

describe('the resize dialog', () => {
  it('sends the changed fields and shows the result of each', async () => {
    calls.answers.set('computers.resize', answer207);
    render(<ResizeDialog computer={computer({ cpu: 1, ram: 4, disk_size_gb: 20 })} onClose={() => {}} />);
    expect((screen.getByTestId('resize-submit') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('vCPUs'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('RAM'), { target: { value: '8' } });
    fireEvent.change(screen.getByLabelText('Disk'), { target: { value: '30' } });
    fireEvent.click(screen.getByTestId('resize-submit'));
    await screen.findByTestId('resize-results');
    expect(calls.log).toEqual([['computers.resize', { id: 'c1', vcpus: 2, mem_gb: 8, disk_size_gb: 30 }]]);
    const items = screen.getAllByRole('listitem');
    expect(items.map((i) => i.getAttribute('data-outcome'))).toEqual(['now', 'next_start', 'failed']);
    expect(items[2]!.textContent).toContain('free memory inside it first');
    expect(screen.getByTestId('resize-headline').textContent).toBe('Some changes were applied, some were not');
  });
  it('a stopped computer: vCPUs, RAM and bandwidth wait for it to run, and it says so', () => {
    render(<ResizeDialog computer={computer({ status: 'stopped' })} onClose={() => {}} />);
    expect((screen.getByLabelText('vCPUs') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByLabelText('RAM') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByLabelText('Bandwidth') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByLabelText('Disk') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('resize-live-note').textContent).toMatch(/start it to change them/);
  });
  it("the API's refusal shows in words in the dialog", async () => {
    calls.answers.set('computers.resize', new Error('disk_size_gb can only grow: it is 20 GB now, 10 was asked'));
    render(<ResizeDialog computer={computer({ auto_stop_minutes: 0 })} onClose={() => {}} />);
    fireEvent.change(screen.getByLabelText('Auto-stop'), { target: { value: '30' } });
    fireEvent.click(screen.getByTestId('resize-submit'));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not resize “ridge-50”: Disk can only grow: it is 20 GB now, 10 was asked');
  });
});

describe('the row and the workspace', () => {
  it('shows the limits the host enforces', () => {
    render(<ComputerLimits c={computer({ cpu: 2, ram: 8, disk_size_gb: 30, bandwidth_limit_mbps: 10 })} />);
    expect(screen.getByTestId('limits').textContent).toBe('2 vCPUs8 GB RAM30 GB disk10 Mbit/s');
  });
  it('delete says what goes with the workspace', () => {
    expect(deleteWorkspaceWords('QA', 0)).toBe('“QA” has no computers. The workspace and the files uploaded to it are removed. This cannot be undone.');
    expect(deleteWorkspaceWords('QA', 2)).toMatch(/^“QA” and its 2 computers \(stopped and deleted, with everything on their disks\)/);
  });
  it('rename refuses empty, unchanged and taken names', () => {
    const others = [workspace('w2', 'Research')];
    expect(renameProblem('  ', 'QA', others)).toBe('Give the workspace a name');
    expect(renameProblem('QA', 'QA', others)).toBe('That is its name already');
    expect(renameProblem('Research', 'QA', others)).toBe('A workspace named “Research” already exists');
    expect(renameProblem('QA 2', 'QA', others)).toBeUndefined();
  });
});

describe('the viewer tools', () => {
  it('picture: a preset sets quality and compression', () => {
    const set = vi.fn();
    render(<PictureControl prefs={{ quality: 6, compression: 2 }} set={set} error={null} />);
    expect(screen.getByTestId('picture-tool').getAttribute('data-preset')).toBe('balanced');
    fireEvent.click(screen.getByTestId('picture-tool'));
    fireEvent.click(screen.getByTestId('picture-slow'));
    expect(set).toHaveBeenCalledWith({ quality: 2, compression: 9 });
    fireEvent.change(screen.getByLabelText('Quality'), { target: { value: '8' } });
    expect(set).toHaveBeenLastCalledWith({ quality: 8, compression: 2 });
  });
  it('stream: a host without streaming says so in words', async () => {
    calls.answers.set('stream.status', { status: 'unavailable', reason: 'This host does not offer streaming' });
    render(<StreamToggle computerId="c1" running />);
    await waitFor(() => expect(screen.getByTestId('stream-toggle').getAttribute('data-status')).toBe('unavailable'));
    fireEvent.click(screen.getByTestId('stream-toggle'));
    expect(screen.getByTestId('stream-words').textContent).toBe('This host does not offer streaming');
    expect(screen.queryByTestId('stream-start')).toBeNull();
  });
  it('stream: words for each status', () => {
    expect(streamWords(null, false)).toBe('Start the computer to stream it');
    expect(streamWords({ status: 'idle' }, true)).toBe('Not streaming');
    expect(streamWords({ status: 'terminated', reason: 'the server refused the stream key' }, true)).toBe('The stream ended: the server refused the stream key');
    expect(streamWords({ status: 'streaming', connection_name: 'yt', reason: 'connection reset; retry 2 in 4 s' }, true)).toBe('Reconnecting to “yt”: connection reset; retry 2 in 4 s');
  });
});
