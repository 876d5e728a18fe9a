/**
 * Schema versions, applied in order and recorded in `PRAGMA user_version`. A released migration
 * is never edited: a change is a new entry at the end.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hash BLOB NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
  );
  CREATE TABLE computers (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    os TEXT NOT NULL,
    ram INTEGER NOT NULL,
    cpu INTEGER NOT NULL,
    disk_size_gb INTEGER NOT NULL,
    resolution TEXT NOT NULL,
    auto_stop_minutes INTEGER NOT NULL DEFAULT 0,
    instance_id TEXT NOT NULL UNIQUE,
    vnc_password TEXT NOT NULL,
    status TEXT NOT NULL,
    error_message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX computers_workspace ON computers(workspace_id);
  `,
  // Workspace files (issue 6); the bytes live in <data dir>/files/<id>.
  `
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    desktop_id TEXT,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    source TEXT NOT NULL,
    desktop_path TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX files_workspace ON files(workspace_id, created_at);
  CREATE INDEX files_desktop ON files(desktop_id);
  `,
  // Device-code login (RFC 8628, issue 4): codes the app polls with, and what the owner decided.
  `
  CREATE TABLE device_codes (
    id TEXT PRIMARY KEY,
    device_code_hash BLOB NOT NULL UNIQUE,
    user_code TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    client_name TEXT,
    status TEXT NOT NULL,
    interval_s INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_polled_at INTEGER,
    decided_by_key_id TEXT,
    issued_key_id TEXT
  );
  `,
  // Issue 14: a bandwidth limit, whether the disk is an image of its own (its size holds), and
  // the account's RTMP connections.
  `
  ALTER TABLE computers ADD COLUMN bandwidth_limit_mbps INTEGER;
  ALTER TABLE computers ADD COLUMN disk_image INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE stream_connections (
    name TEXT PRIMARY KEY,
    server_url TEXT NOT NULL,
    stream_key TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // Agent threads (issue 12): the conversation a run continues, and each step for people to review.
  `
  CREATE TABLE agent_threads (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    computer_id TEXT NOT NULL,
    model TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    stop_reason TEXT,
    error TEXT,
    history TEXT NOT NULL,
    steps INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cost_cents REAL NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX agent_threads_computer ON agent_threads(computer_id, created_at);
  CREATE TABLE agent_steps (
    thread_id TEXT NOT NULL REFERENCES agent_threads(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT,
    action TEXT,
    input TEXT,
    x INTEGER,
    y INTEGER,
    result TEXT,
    error TEXT,
    thumb BLOB,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    model_ms INTEGER,
    host_ms INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (thread_id, n)
  );
  `,
];
