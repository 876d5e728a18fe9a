/**
 * "This computer": the built-in host, started on demand as its own process with its own data
 * dir, detached so that it and its computers keep running when the app quits (computers run
 * continuously; the tray's "Stop all computers" stops them). Only an app ended by a signal
 * stops the host it started (stopStarted). The app picks up the host's key
 * from the 0600 `api-key` file the host writes in its data dir on first start.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalHostView } from '../shared/ipc/types.js';
import { plainRequest } from '../shared/api/node-transfer.js';
import { logger } from './log.js';
import { newestMtime } from './newest.js';

const log = logger('local-host');
export const LOCAL_HOST_PORT = 7391;
export const HOST_KEY_FILE = 'api-key';
/** The packaged app's root service (resources/linux/orgo-host.service, installed by the deb). */
export const HOST_SERVICE = 'orgo-host';
export const HOST_SERVICE_UNITS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'].map((d) => `${d}/${HOST_SERVICE}.service`);

export interface LocalHostOptions {
  dataDir: string;
  port?: number;
  /** The folder holding package.json and host/ (the source tree or the packaged app). */
  projectRoot: string;
  /** Where an installed orgo-host.service would be (for the message when the app is not root). */
  serviceUnits?: string[];
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
  /** Settles when the host this app started exits. */
  private exited: Promise<void> | null = null;

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
      // node:http, not fetch: a process' first fetch loads Node's undici (~40 ms of CPU here),
      // and the first health check sits on the main window's first page.
      const res = await plainRequest(new URL(`${this.url}/health`), 'GET', {}, undefined, timeoutMs);
      const body = JSON.parse(await res.text()) as { ok?: boolean };
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
      this.message = (this.options.serviceUnits ?? HOST_SERVICE_UNITS).some((u) => existsSync(u))
        ? 'The built-in host runs as a system service, which is not running. ' +
          `Start it, and have it start with the machine, with: sudo systemctl enable --now ${HOST_SERVICE}`
        : this.options.projectRoot.endsWith('.asar')
          ? // A packaged app without the service (the AppImage): no source tree to run it from.
            'The built-in host needs root: it builds each computer from namespaces and overlay disks. ' +
            `The .deb package installs it as a system service (${HOST_SERVICE}); or run a host on another machine and add it with “Add a server…”.`
          : 'The built-in host needs root: it builds each computer from namespaces and overlay disks. ' +
            `Start it yourself with: sudo npm run host -- --data-dir ${this.options.dataDir} --port ${this.options.port ?? LOCAL_HOST_PORT}`;
      throw new Error(this.message);
    }
    const { dataDir, projectRoot } = this.options;
    let program: string[];
    try {
      program = hostProgram(projectRoot);
    } catch (e) {
      this.state = 'error';
      this.message = (e as Error).message;
      throw e;
    }
    this.state = 'starting';
    this.message = null;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const logFile = join(dataDir, 'host.log');
    const out = openSync(logFile, 'a', 0o600);
    // Loaded here, not at the top: the command line reads this module on every call and most
    // calls never start a host (child_process costs it a few milliseconds of start-up).
    const { spawn } = await import('node:child_process');
    const child = spawn(this.options.nodePath ?? process.execPath, [...program, '--data-dir', dataDir, '--port', String(this.options.port ?? LOCAL_HOST_PORT)], {
      // A packaged app's root (app.asar) is no folder a process can stand in: there, the data dir.
      cwd: basename(projectRoot) === 'app.asar' ? dataDir : projectRoot,
      // Its own process group: it outlives the app, and the app's Ctrl-C does not reach it.
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ORGO_API_KEY: '', ...this.options.extraEnv },
    });
    closeSync(out);
    this.pid = child.pid ?? null;
    let exited: string | null = null;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        exited = `exited with ${signal ?? `code ${code}`}`;
        resolve();
      }),
    );
    child.unref();
    log.info(`started the built-in host (pid ${child.pid}, ${program.at(-1)}) on ${this.url}, data in ${dataDir}`);

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

  /**
   * The app ended by a signal (Ctrl-C, `timeout`, `kill`): the host this app started goes with it,
   * as anything a terminal command starts does. SIGTERM is the host's own clean stop (its
   * computers stop, their disks stay); this waits for it to exit. A host that was already running
   * (another app's, `npm run host`, the system service) is left alone, and so is every host when
   * the app is quit from its window or tray: computers keep running then, by design.
   */
  async stopStarted(timeoutMs = 30_000): Promise<void> {
    const { pid, exited } = this;
    if (!pid || !exited) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return; // gone already
    }
    log.info(`stopping the built-in host this app started (pid ${pid})`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
    const how = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (how === 'late') log.warn(`the built-in host (pid ${pid}) had not stopped after ${timeoutMs / 1000} s; left running`);
    this.pid = null;
    this.exited = null;
    this.state = 'stopped';
  }

  /**
   * For the session view: notices a host started or stopped outside the app. With `maxAgeMs`,
   * a check that recent stands (the one under way, if any, is shared).
   */
  refresh(maxAgeMs = 0): Promise<void> {
    if (this.starting) return Promise.resolve();
    if (this.checking) return this.checking;
    if (maxAgeMs && performance.now() - this.checkedAt <= maxAgeMs) return Promise.resolve();
    this.checking = this.check().finally(() => {
      this.checking = null;
      this.checkedAt = performance.now();
    });
    return this.checking;
  }

  private checking: Promise<void> | null = null;
  private checkedAt = -Infinity;

  private async check(): Promise<void> {
    const up = await this.healthy(400);
    if (up) {
      this.state = 'running';
      this.message = null;
    } else if (this.state === 'running') this.state = 'stopped';
  }
}

/**
 * How to run the host: its bundle (out/host/cli.mjs, built by scripts/build-app.mjs) as a plain
 * Node program where there is one, else host/cli.ts through tsx. In a packaged app the bundle sits
 * in app.asar.unpacked (electron-builder.yml), beside the native modules it loads. In a source
 * checkout the bundle is only used while it is at least as new as host/ and shared/, so an edit
 * to the host is never shadowed by an old build.
 */
export function hostProgram(projectRoot: string): string[] {
  const unpacked = basename(projectRoot) === 'app.asar' ? join(dirname(projectRoot), 'app.asar.unpacked') : projectRoot;
  const bundle = join(unpacked, 'out', 'host', 'cli.mjs');
  const cli = join(projectRoot, 'host', 'cli.ts');
  const sources = existsSync(cli);
  if (existsSync(bundle) && (!sources || statSync(bundle).mtimeMs >= newestMtime(join(projectRoot, 'host'), join(projectRoot, 'shared')))) return [bundle];
  if (!sources) throw new Error(`The host's program is missing (neither ${bundle} nor ${cli})`);
  const tsx = pathToFileURL(createRequire(join(projectRoot, 'package.json')).resolve('tsx')).href;
  return ['--import', tsx, cli];
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
