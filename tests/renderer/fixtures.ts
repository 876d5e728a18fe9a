/** Values shaped as the app's IPC hands them to the renderer, for component tests. */
import type { ComputerView, WorkspaceView } from '../../shared/ipc/types';

export function computer(over: Partial<ComputerView> = {}): ComputerView {
  return {
    id: 'c1',
    name: 'ridge-50',
    workspace_id: 'w1',
    status: 'running',
    error_message: null,
    ram: 4,
    cpu: 1,
    disk_size_gb: 20,
    resolution: '1280x720x24',
    auto_stop_minutes: 0,
    instance_id: 'i1',
    created_at: '2026-12-01T10:00:00Z',
    ...over,
  } as ComputerView;
}

export const workspace = (id: string, name: string): WorkspaceView => ({ id, name }) as WorkspaceView;
