import type { FastifyInstance } from 'fastify';
import { bashBody, execBody } from '../../../shared/api/schemas.js';
import { parse, type HostServices } from '../app.js';
import { reachable } from './computers.js';

type ById = { Params: { id: string } };

/** Commands inside a computer, as its user, in /home/user, through the in-computer agent. */
export function actionRoutes(api: FastifyInstance, s: HostServices): void {
  api.post<ById>('/computers/:id/bash', async (req) => {
    const row = reachable(s, req);
    const body = parse(bashBody, req.body);
    const a = await s.computers.agent(row.id, 'bash', { command: body.command, timeout: body.timeout }, body.timeout * 1000 + 10_000);
    if (!a.ok) return { success: false, output: '', exit_code: -1, error: a.error };
    return {
      success: true,
      output: a.timed_out ? `${a.output}\n[timed out after ${body.timeout} s; the command's processes were killed]` : a.output,
      exit_code: a.exit_code,
      timed_out: a.timed_out,
    };
  });

  api.post<ById>('/computers/:id/exec', async (req) => {
    const row = reachable(s, req);
    const body = parse(execBody, req.body);
    const a = await s.computers.agent(row.id, 'exec', { code: body.code, timeout: body.timeout }, body.timeout * 1000 + 10_000);
    if (!a.ok) return { success: false, output: '', exit_code: -1, error: a.error };
    const failed = a.exit_code !== 0;
    const output = String(a.output ?? '');
    return {
      success: !failed,
      output,
      exit_code: a.exit_code,
      timed_out: a.timed_out,
      // Python's own traceback ends the output; its last line names the error.
      error: a.timed_out ? `timed out after ${body.timeout} s` : failed ? output.trim().split('\n').pop() ?? 'failed' : null,
    };
  });
}
