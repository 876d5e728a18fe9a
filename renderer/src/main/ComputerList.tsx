/** The computers, grouped under their workspaces (all of them, or the one chosen in the sidebar). */
import type { ComputerView, WorkspaceView } from '../../../shared/ipc/types';
import { ComputerRow } from '../components/ComputerRow';

export const ALL = '__all__';

export function byWorkspace(computers: readonly ComputerView[]): Map<string, ComputerView[]> {
  const m = new Map<string, ComputerView[]>();
  for (const c of computers) m.set(c.workspace_id, [...(m.get(c.workspace_id) ?? []), c]);
  return m;
}

/** The sections to show: every workspace that has computers, or just the chosen one (even empty). */
export function sections(workspaces: readonly WorkspaceView[], groups: Map<string, ComputerView[]>, filter: string): WorkspaceView[] {
  return filter === ALL ? workspaces.filter((w) => groups.has(w.id)) : workspaces.filter((w) => w.id === filter);
}

export function ComputerList({ workspaces, computers, filter }: { workspaces: readonly WorkspaceView[]; computers: readonly ComputerView[]; filter: string }) {
  const groups = byWorkspace(computers);
  const shown = sections(workspaces, groups, filter);
  return (
    <div className="computer-list" data-testid="computer-list">
      {shown.map((w) => (
        <section key={w.id} className="workspace-section">
          {filter === ALL && <h3 className="section-title">{w.name}</h3>}
          {(groups.get(w.id) ?? []).map((c) => (
            <ComputerRow key={c.id} c={c} workspace={null} workspaces={workspaces} />
          ))}
        </section>
      ))}
      {shown.every((w) => !groups.has(w.id)) && <div className="muted list-note">No computers in this workspace yet.</div>}
    </div>
  );
}
