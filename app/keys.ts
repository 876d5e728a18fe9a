/**
 * A fresh API key scoped to one workspace, minted by the active profile's host (POST /api/keys)
 * for a person to paste into their own code. Main hands it to the window once and keeps nothing:
 * the host stores only its hash, and the app neither stores nor logs it.
 */
import type { MintedKey } from '../shared/ipc/types.js';
import type { Session } from './session.js';

export async function mintWorkspaceKey(session: Session, workspaceId: string): Promise<MintedKey> {
  const { client, profile } = await session.client();
  const workspace = await client.getWorkspace(workspaceId);
  const day = new Date().toISOString().slice(0, 10);
  const created = await client.createKey({ name: `Orgo Desktop: ${workspace.name}, ${day}`.slice(0, 100), workspace_id: workspaceId });
  return { key: created.key, id: created.id, name: created.name, workspaceId, workspaceName: workspace.name, baseUrl: profile.baseUrl };
}
