/**
 * Runs a Connect snippet (shared/ipc/connect-snippets.ts) as its `run` line tells a person to:
 * curl and the CLI pasted into bash, the Python one saved as connect.py and run by python3, the
 * openai one saved as connect.mjs beside this project's node_modules (where `openai` is
 * installed) and run by node. `orgo` on PATH is what the app's tray installs: a launcher for the
 * built CLI (out/cli/orgo.cjs). Orgo's Python SDK cannot be installed here (no PyPI), so
 * `from orgo import Computer` finds the wire-faithful stand-in in tests/host/py/sdk. Async, since
 * the host answering may run in the calling process.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Snippet } from '../../shared/ipc/connect-snippets.js';
import { ORGO, ROOT, buildCli } from './orgo-cli.js';

export interface SnippetRun {
  stdout: string;
  stderr: string;
  /** The folder it ran in (screen.png and such land here); removed by `close`. */
  dir: string;
  close(): void;
}

export async function runSnippet(snippet: Snippet, env: NodeJS.ProcessEnv): Promise<SnippetRun> {
  const dir = mkdtempSync('/tmp/orgo-snippet-');
  const bin = join(dir, 'bin');
  const base = { PATH: `${bin}:${process.env.PATH}`, HOME: dir, LANG: 'C.UTF-8', ...env };
  const close = () => rmSync(dir, { recursive: true, force: true });
  let file = '';
  try {
    let cmd: string;
    let args: string[];
    let cwd = dir;
    if (snippet.id === 'cli') {
      buildCli();
      mkdirSync(bin);
      writeFileSync(join(bin, 'orgo'), `#!/bin/sh\nexec "${process.execPath}" "${ORGO}" "$@"\n`);
      chmodSync(join(bin, 'orgo'), 0o755);
    }
    if (snippet.id === 'python') {
      writeFileSync(join(dir, 'connect.py'), snippet.code);
      [cmd, args] = ['python3', ['connect.py']];
      Object.assign(base, { PYTHONPATH: join(ROOT, 'tests/host/py/sdk') });
    } else if (snippet.id === 'openai') {
      mkdirSync(join(ROOT, 'out'), { recursive: true });
      file = join(ROOT, 'out', `connect-snippet-${process.pid}.mjs`);
      writeFileSync(file, snippet.code);
      [cmd, args, cwd] = [process.execPath, [file], ROOT];
    } else {
      [cmd, args] = ['bash', ['-ec', snippet.code]];
    }
    const { stdout, stderr } = await promisify(execFile)(cmd, args, { cwd, env: base, encoding: 'utf8', timeout: 120_000 });
    return { stdout, stderr, dir, close };
  } catch (e) {
    close();
    throw e;
  } finally {
    if (file) rmSync(file, { force: true });
  }
}
