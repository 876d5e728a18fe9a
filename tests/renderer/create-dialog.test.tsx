// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CreateDialog } from '../../renderer/src/components/CreateDialog';
import { createProblems, humanError } from '../../renderer/src/components/createForm';
import { workspace } from './fixtures';

afterEach(cleanup);

describe('the create dialog’s rules', () => {
  const ok = { name: 'ridge-50', newWorkspace: null, disk: '8' };
  it('accepts a named computer with a disk in range', () => expect(createProblems(ok)).toEqual({}));
  it('says what is wrong with the disk instead of changing it', () => {
    expect(createProblems({ ...ok, disk: '-5' }).disk).toBe('Disk must be at least 1 GB');
    expect(createProblems({ ...ok, disk: '2048' }).disk).toBe('Disk must be at most 1024 GB');
    expect(createProblems({ ...ok, disk: '2.5' }).disk).toBe('Disk must be a whole number of GB');
    expect(createProblems({ ...ok, disk: 'lots' }).disk).toBe('Disk must be a number of GB');
  });
  it('refuses an empty or blank name, and a new workspace without one', () => {
    expect(createProblems({ ...ok, name: '   ' }).name).toBe('Give the computer a name');
    expect(createProblems({ ...ok, newWorkspace: ' ' }).newWorkspace).toBe('Give the new workspace a name');
    expect(createProblems({ ...ok, name: 'x'.repeat(101) }).name).toBe('Name must be at most 100 characters');
  });
  it('words field errors for people', () => {
    expect(humanError('Invalid input for computers.create: disk_size_gb: disk_size_gb must be at most 1024')).toBe('Disk must be at most 1024 GB');
    expect(humanError('Invalid input for computers.create: name: name must not be empty')).toBe('Name must not be empty');
    expect(humanError('Workspace not found')).toBe('Workspace not found');
  });
});

describe('CreateDialog', () => {
  const open = (ws = [workspace('w1', 'Research')]) => render(<CreateDialog workspaces={ws} defaultWorkspace={null} onClose={vi.fn()} onCreated={vi.fn()} />);
  const submit = () => screen.getByTestId('create-submit') as HTMLButtonElement;

  it('says why Create is off, and counts the name toward its limit', () => {
    open();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: '' } });
    expect(submit().disabled).toBe(true);
    expect(screen.getByTestId('create-why').textContent).toBe('Give the computer a name');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'héllo-日本' } });
    expect(submit().disabled).toBe(false);
    expect(screen.queryByTestId('create-why')).toBeNull();
    expect(screen.getByText('8 / 100')).toBeTruthy();
  });
  it('keeps a disk of −5 as typed and says why it cannot be used', () => {
    open();
    fireEvent.change(screen.getByLabelText('Disk'), { target: { value: '-5' } });
    expect((screen.getByLabelText('Disk') as HTMLInputElement).value).toBe('-5');
    expect(submit().disabled).toBe(true);
    expect(screen.getByTestId('create-why').textContent).toBe('Disk must be at least 1 GB');
  });
  it('a new workspace needs a name (no silent “Default”)', () => {
    open();
    fireEvent.change(screen.getByLabelText('Workspace'), { target: { value: '__new__' } });
    expect(submit().disabled).toBe(true);
    expect(screen.getByTestId('create-why').textContent).toBe('Give the new workspace a name');
  });
});
