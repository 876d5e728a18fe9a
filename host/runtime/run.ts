/** Runs a system tool (ip, tc, nft, losetup, ...) and fails with its own words. */
import { spawn } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Resolves with the output whatever the exit code; `run` below is the strict form. */
export function runTool(cmd: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) => resolve({ stdout, stderr: stderr + e.message, code: null }));
    p.on('close', (code) => resolve({ stdout, stderr, code }));
    p.stdin.on('error', () => {});
    p.stdin.end(input ?? '');
  });
}

export async function run(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await runTool(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`);
  return r.stdout;
}
