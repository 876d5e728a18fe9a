/** A `<select>`'s options for workspaces, by name, valued by id: what every workspace picker lists. */
import type { WorkspaceView } from '../../../shared/ipc/types';

export function WorkspaceOptions({ workspaces }: { workspaces: readonly WorkspaceView[] }) {
  return (
    <>
      {workspaces.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </>
  );
}
