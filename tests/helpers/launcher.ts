/**
 * Browser mode's launcher as `npm start -- --no-open` runs it: the built bundle
 * (out/browser-mode/cli.mjs, from scripts/build-app.mjs) in its own process. Answers the process
 * and the launch address it prints; rejects with its output if it exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function startLauncher(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['out/browser-mode/cli.mjs', '--no-open', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    });
    child.stderr!.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => reject(new Error(`the launcher exited (${code}): ${out}`)));
  });
}
