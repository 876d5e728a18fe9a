/**
 * A fresh API key, scoped to one workspace or (workspaceId null) account-wide, minted by the
 * active profile's host (POST /api/keys) for a person to paste into their own code. Main hands it
 * to the window once and keeps nothing: the host stores only its hash, and the app neither
 * stores nor logs it.
 */
import type { MintedKey } from '../shared/ipc/types.js';
import type { Session } from './session.js';

export async function mintKey(session: Session, workspaceId: string | null): Promise<MintedKey> {
  const { client, profile } = await session.client();
  const workspace = workspaceId ? await client.getWorkspace(workspaceId) : null;
  const day = new Date().toISOString().slice(0, 10);
  const name = `Orgo Desktop: ${workspace ? workspace.name : 'all workspaces'}, ${day}`.slice(0, 100);
  const created = await client.createKey({ name, ...(workspaceId ? { workspace_id: workspaceId } : {}) });
  return { key: created.key, id: created.id, name: created.name, workspaceId, workspaceName: workspace?.name ?? null, baseUrl: profile.baseUrl };
}
