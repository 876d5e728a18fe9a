import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

/** Key management and account-wide listings take an account-wide key. */
export function requireAccountKey(req: FastifyRequest): void {
  if (req.apiKey.workspace_id) {
    throw new ApiError(403, 'This needs an account-wide API key; this key is scoped to one workspace', 'account_key_required', {
      key_workspace_id: req.apiKey.workspace_id,
    });
  }
}

/** A workspace-scoped key reaches its own workspace and nothing else. */
export function requireWorkspace(req: FastifyRequest, workspaceId: string): void {
  const own = req.apiKey.workspace_id;
  if (own && own !== workspaceId) {
    throw new ApiError(403, 'This API key is scoped to another workspace', 'workspace_scope_mismatch', {
      key_workspace_id: own,
      target_workspace_id: workspaceId,
    });
  }
}

/** Options of a route for account-wide keys only: refused (403) before its request is validated. */
export const accountRoute = {
  preValidation: async (req: FastifyRequest) => requireAccountKey(req),
};
