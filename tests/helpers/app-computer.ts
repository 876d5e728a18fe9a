/**
 * For tests of the app's relays: registers beforeAll/afterAll that start a test host, the app's
 * main-side services on it with the loopback gate listening, and one running computer in a new workspace;
 * closed after. The returned object's fields are set once beforeAll has run.
 */
import { afterAll, beforeAll } from 'vitest';
import type { AppServices } from '../../app/app-services.js';
import type { Computer } from '../../shared/api/types.js';
import { startTestApp, type TestApp } from './app.js';
import { startTestHost, type TestHost } from './host.js';

export interface AppWithComputer {
  t: TestHost;
  app: TestApp;
  computer: Computer;
}

export function useAppWithComputer(options: {
  workspace: string;
  computer: string;
  listen: (services: AppServices) => Promise<unknown>;
}): AppWithComputer {
  const fx = {} as AppWithComputer;
  beforeAll(async () => {
    fx.t = await startTestHost();
    fx.app = startTestApp({ host: fx.t });
    await options.listen(fx.app.services);
    const ws = await fx.t.client.createWorkspace(options.workspace);
    fx.computer = await fx.t.client.createComputer({ workspace_id: ws.id, name: options.computer });
  });
  afterAll(async () => {
    fx.app?.close();
    await fx.t?.close();
  });
  return fx;
}
