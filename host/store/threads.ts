import type { StepKind, StopReason, ThreadStatus, ThreadStep, ThreadSummary } from '../../shared/api/agent.js';
import type { Db } from './db.js';

export interface ThreadRow {
  id: string;
  workspace_id: string;
  computer_id: string;
  model: string;
  title: string;
  status: ThreadStatus;
  stop_reason: StopReason | null;
  error: string | null;
  /** The provider conversation (JSON), old screenshots already pruned to text. */
  history: string;
  steps: number;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_read_tokens: number;
  cost_cents: number;
  created_at: string;
  updated_at: string;
}

export interface StepRow {
  thread_id: string;
  n: number;
  kind: StepKind;
  text: string | null;
  action: string | null;
  input: string | null;
  x: number | null;
  y: number | null;
  result: string | null;
  error: string | null;
  thumb: Buffer | null;
  input_tokens: number;
  output_tokens: number;
  model_ms: number | null;
  host_ms: number | null;
  created_at: string;
}

type Updatable = Partial<Pick<ThreadRow, 'status' | 'stop_reason' | 'error' | 'history' | 'steps' | 'input_tokens' | 'output_tokens' | 'cache_write_tokens' | 'cache_read_tokens' | 'cost_cents' | 'model'>>;

export class ThreadStore {
  constructor(private readonly db: Db) {}

  insert(row: Pick<ThreadRow, 'id' | 'workspace_id' | 'computer_id' | 'model' | 'title' | 'status' | 'history'>): ThreadRow {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO agent_threads (id, workspace_id, computer_id, model, title, status, history, created_at, updated_at)
         VALUES (@id, @workspace_id, @computer_id, @model, @title, @status, @history, @now, @now)`,
      )
      .run({ ...row, now });
    return this.get(row.id)!;
  }

  get(id: string): ThreadRow | undefined {
    return this.db.prepare('SELECT * FROM agent_threads WHERE id = ?').get(id) as ThreadRow | undefined;
  }

  list(filter: { computerId?: string; workspaceId?: string }): ThreadRow[] {
    const where: string[] = [];
    const args: string[] = [];
    for (const [column, value] of [['computer_id', filter.computerId], ['workspace_id', filter.workspaceId]] as const) {
      if (!value) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    const sql = `SELECT * FROM agent_threads ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, rowid DESC LIMIT 200`;
    return this.db.prepare(sql).all(...args) as ThreadRow[];
  }

  update(id: string, fields: Updatable): ThreadRow {
    const keys = Object.keys(fields);
    if (keys.length) {
      const set = keys.map((k) => `${k} = @${k}`).join(', ');
      this.db.prepare(`UPDATE agent_threads SET ${set}, updated_at = @now WHERE id = @id`).run({ ...fields, id, now: new Date().toISOString() });
    }
    return this.get(id)!;
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM agent_threads WHERE id = ?').run(id);
  }

  addStep(step: Omit<StepRow, 'created_at'>): StepRow {
    const row = { ...step, created_at: new Date().toISOString() };
    this.db
      .prepare(
        `INSERT INTO agent_steps (thread_id, n, kind, text, action, input, x, y, result, error, thumb, input_tokens, output_tokens, model_ms, host_ms, created_at)
         VALUES (@thread_id, @n, @kind, @text, @action, @input, @x, @y, @result, @error, @thumb, @input_tokens, @output_tokens, @model_ms, @host_ms, @created_at)`,
      )
      .run(row);
    return row;
  }

  /** Sets the host time of a step once the next model request leaves. */
  setHostMs(threadId: string, n: number, ms: number): void {
    this.db.prepare('UPDATE agent_steps SET host_ms = ? WHERE thread_id = ? AND n = ?').run(Math.round(ms), threadId, n);
  }

  steps(threadId: string): StepRow[] {
    return this.db.prepare('SELECT * FROM agent_steps WHERE thread_id = ? ORDER BY n').all(threadId) as StepRow[];
  }

  nextStep(threadId: string): number {
    const r = this.db.prepare('SELECT COALESCE(MAX(n), 0) AS n FROM agent_steps WHERE thread_id = ?').get(threadId) as { n: number };
    return r.n + 1;
  }

  /** At host start: runs that were going when the host stopped cannot continue; say so. */
  markInterrupted(): number {
    return this.db
      .prepare(`UPDATE agent_threads SET status = 'interrupted', stop_reason = 'host_restart', error = 'The host restarted while this run was going.', updated_at = ? WHERE status IN ('running', 'paused')`)
      .run(new Date().toISOString()).changes;
  }
}

export function stepView(r: StepRow, withThumb: boolean): ThreadStep {
  return {
    n: r.n,
    kind: r.kind,
    text: r.text,
    action: r.action,
    input: r.input ? (JSON.parse(r.input) as Record<string, unknown>) : null,
    x: r.x,
    y: r.y,
    result: r.result,
    error: r.error,
    thumbnail: withThumb && r.thumb ? `data:image/png;base64,${r.thumb.toString('base64')}` : null,
    input_tokens: r.input_tokens,
    output_tokens: r.output_tokens,
    model_ms: r.model_ms,
    host_ms: r.host_ms,
    created_at: r.created_at,
  };
}

export function threadView(r: ThreadRow): ThreadSummary {
  return {
    id: r.id,
    computer_id: r.computer_id,
    model: r.model,
    title: r.title,
    status: r.status,
    stop_reason: r.stop_reason,
    error: r.error,
    steps: r.steps,
    usage: {
      input_tokens: r.input_tokens,
      output_tokens: r.output_tokens,
      cache_write_tokens: r.cache_write_tokens,
      cache_read_tokens: r.cache_read_tokens,
      cost_cents: r.cost_cents,
    },
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}
