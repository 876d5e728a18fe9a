/**
 * Agent sessions kept on disk, one JSON file each under ~/.orgo/sessions/, written after every
 * turn so a crash or Ctrl+C loses at most the turn in flight. A session remembers the server's
 * thread, so `orgo resume` continues the same conversation with the same computer.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { readJson, writeJson } from '../../app/json-file.js';
import type { ToolCall, ToolResult, Usage } from './endpoint.js';

export interface Turn {
  prompt: string;
  text: string;
  tool_calls: ToolCall[];
  tool_results: ToolResult[];
  usage: Usage | null;
  at: string;
  /** Set when the turn was stopped (Esc, Ctrl+C) or failed. */
  stopped?: string;
}

export interface Session {
  id: string;
  profile: string;
  base_url: string;
  computer: { id: string; name: string };
  model: string | null;
  thread_id: string | null;
  created_at: string;
  updated_at: string;
  turns: Turn[];
}

export function sessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), '.orgo', 'sessions');
}

export function newSession(init: Omit<Session, 'id' | 'created_at' | 'updated_at' | 'turns' | 'thread_id'>): Session {
  const now = new Date().toISOString();
  return { id: `s_${randomBytes(4).toString('hex')}`, thread_id: null, created_at: now, updated_at: now, turns: [], ...init };
}

export function saveSession(s: Session): void {
  s.updated_at = new Date().toISOString();
  writeJson(join(sessionsDir(), `${s.id}.json`), s);
}

export function listSessions(): Session[] {
  let files: string[];
  try {
    files = readdirSync(sessionsDir()).filter((f) => /^s_[0-9a-f]+\.json$/.test(f));
  } catch {
    return [];
  }
  return files
    .map((f) => readJson<Session | null>(join(sessionsDir(), f), null))
    .filter((s): s is Session => !!s && Array.isArray(s.turns))
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
}

export function loadSession(id?: string): Session | null {
  const all = listSessions();
  if (!id) return all[0] ?? null;
  return all.find((s) => s.id === id || s.id === `s_${id}`) ?? null;
}

/** The conversation as messages, for a server that has no thread to continue. */
export function history(s: Session): Array<{ role: 'user' | 'assistant'; content: string }> {
  return s.turns.flatMap((t) => [
    { role: 'user' as const, content: t.prompt },
    ...(t.text ? [{ role: 'assistant' as const, content: t.text }] : []),
  ]);
}

export function totalUsage(s: Session): Usage {
  const u = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const t of s.turns) {
    u.prompt_tokens += t.usage?.prompt_tokens ?? 0;
    u.completion_tokens += t.usage?.completion_tokens ?? 0;
    u.total_tokens += t.usage?.total_tokens ?? 0;
  }
  return u;
}
