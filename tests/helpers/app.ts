/** The app's main-side services against a test host, with events recorded, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName, Events } from '../../shared/ipc/channels.js';
import { createAppServices, type AppServices } from '../../app/app-services.js';
import type { Keychain } from '../../app/credentials.js';
import { TEST_KEY, type TestHost } from './host.js';

export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const noKeychain = async (): Promise<Keychain> => {
  throw new Error('no Secret Service in this test');
};

export interface TestApp {
  services: AppServices;
  events: Array<{ event: EventName; payload: unknown }>;
  home: string;
  next<E extends EventName>(event: E, check?: (p: Events[E]) => boolean, timeoutMs?: number): Promise<Events[E]>;
  close(): void;
}

export function startTestApp(options: { host?: TestHost; env?: NodeJS.ProcessEnv; keychain?: () => Promise<Keychain> } = {}): TestApp {
  const home = mkdtempSync('/tmp/orgo-app-');
  const events: TestApp['events'] = [];
  const waiters: Array<() => void> = [];
  const env: NodeJS.ProcessEnv = {
    ORGO_DESKTOP_HOME: home,
    ...(options.host ? { ORGO_API_BASE_URL: options.host.api, ORGO_API_KEY: TEST_KEY } : {}),
    ...options.env,
  };
  const services = createAppServices({
    mode: 'browser',
    projectRoot,
    env,
    keychain: options.keychain ?? noKeychain,
    broadcast: (event, payload) => {
      events.push({ event, payload });
      for (const w of waiters.splice(0)) w();
    },
  });
  const app: TestApp = {
    services,
    events,
    home,
    async next(event, check = () => true, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let seen = 0;
      for (;;) {
        for (; seen < events.length; seen++) {
          const e = events[seen]!;
          if (e.event === event && check(e.payload as never)) return e.payload as never;
        }
        if (Date.now() > deadline) throw new Error(`no ${event} event matched within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    close() {
      services.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return app;
}

export const configDir = (app: TestApp) => join(app.home, 'config');
