/**
 * "This computer": the built-in host, started on demand as its own process with its own data
 * dir, detached so that it and its computers keep running when the app quits (computers run
 * continuously; the tray's "Stop all computers" stops them). The app picks up the host's key
 * from the 0600 `api-key` file the host writes in its data dir on first start.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalHostView } from '../../../shared/ipc/types.js';
import { logger } from './log.js';

const log = logger('local-host');
export const LOCAL_HOST_PORT = 7391;
export const HOST_KEY_FILE = 'api-key';

export interface LocalHostOptions {
  dataDir: string;
  port?: number;
  /** The folder holding package.json and host/ (the source tree or the packaged app). */
  projectRoot: string;
  /** The Node binary; under Electron, Electron itself run as Node. */
  nodePath?: string;
  extraEnv?: NodeJS.ProcessEnv;
  /** How long a fresh host may take to answer. */
  startTimeoutMs?: number;
  /** Called whenever the host's state changes (the session tells the windows). */
  onState?: () => void;
}

export class LocalHost {
  readonly url: string;
  private _state: LocalHostView['state'] = 'unknown';
  private message: string | null = null;

  private get state(): LocalHostView['state'] {
    return this._state;
  }

  private set state(next: LocalHostView['state']) {
    const was = this._state;
    this._state = next;
    if (was !== next) this.options.onState?.();
  }
  private starting: Promise<void> | null = null;
  /** The pid of a host this app started (for tests that clean up after themselves). */
  pid: number | null = null;

  constructor(private readonly options: LocalHostOptions) {
    this.url = `http://127.0.0.1:${options.port ?? LOCAL_HOST_PORT}`;
  }

  get baseUrl(): string {
    return `${this.url}/api`;
  }

  view(): LocalHostView {
    return { state: this.state, url: this.url, dataDir: this.options.dataDir, message: this.message };
  }

  /** The key the host wrote for its owner, or null when there is none (yet). */
  key(): string | null {
    try {
      return readFileSync(join(this.options.dataDir, HOST_KEY_FILE), 'utf8').trim() || null;
    } catch {
      return null;
    }
  }

  async healthy(timeoutMs = 800): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      const body = (await res.json()) as { ok?: boolean };
      return res.ok && body.ok === true;
    } catch {
      return false;
    }
  }

  /** Answers once the host is up, starting it when it is not. */
  ensure(): Promise<void> {
    this.starting ??= this.start().finally(() => (this.starting = null));
    return this.starting;
  }

  private async start(): Promise<void> {
    if (await this.healthy()) {
      this.state = 'running';
      this.message = null;
      return;
    }
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      this.state = 'error';
      this.message =
        'The built-in host needs root: it builds each computer from namespaces and overlay disks. ' +
        `Start it yourself with: sudo npm run host -- --data-dir ${this.options.dataDir} --port ${this.options.port ?? LOCAL_HOST_PORT}`;
      throw new Error(this.message);
    }
    this.state = 'starting';
    this.message = null;
    const { dataDir, projectRoot } = this.options;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const logFile = join(dataDir, 'host.log');
    const out = openSync(logFile, 'a', 0o600);
    const tsx = pathToFileURL(createRequire(join(projectRoot, 'package.json')).resolve('tsx')).href;
    const cli = join(projectRoot, 'host', 'cli.ts');
    if (!existsSync(cli)) throw new Error(`The host's program is missing (${cli})`);
    const child = spawn(this.options.nodePath ?? process.execPath, ['--import', tsx, cli, '--data-dir', dataDir, '--port', String(this.options.port ?? LOCAL_HOST_PORT)], {
      cwd: projectRoot,
      // Its own process group: it outlives the app, and the app's Ctrl-C does not reach it.
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ORGO_API_KEY: '', ...this.options.extraEnv },
    });
    closeSync(out);
    this.pid = child.pid ?? null;
    let exited: string | null = null;
    child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
    child.unref();
    log.info(`started the built-in host (pid ${child.pid}) on ${this.url}, data in ${dataDir}`);

    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (await this.healthy(500)) {
        this.state = 'running';
        return;
      }
      if (exited) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.state = 'error';
    const tail = readTail(logFile);
    const port = this.options.port ?? LOCAL_HOST_PORT;
    this.message = /EADDRINUSE/.test(tail)
      ? `Port ${port} is taken by another program, so the built-in host cannot listen there. Stop that program, or start Orgo Desktop with ORGO_LOCAL_HOST_PORT set to a free port.`
      : `The built-in host did not start (${exited ?? 'no answer within the time limit'}). ${tail ? `Its log says: ${tail}` : ''}`.trim();
    throw new Error(this.message);
  }

  /** For the session view: notices a host started or stopped outside the app. */
  async refresh(): Promise<void> {
    if (this.starting) return;
    const up = await this.healthy(400);
    if (up) {
      this.state = 'running';
      this.message = null;
    } else if (this.state === 'running') this.state = 'stopped';
  }
}

function readTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    // The same line twice (stdout and stderr share the file) says nothing more.
    return [...new Set(lines.slice(-3))].join(' ').slice(-400);
  } catch {
    return '';
  }
}
