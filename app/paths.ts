/**
 * Where the app keeps its files. XDG by default; `ORGO_DESKTOP_HOME` puts everything under one
 * folder (tests, portable use). The built-in host's data dir is the same one `npm run host` uses
 * by default, so the app and the command line see the same computers.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AppDirs {
  /** profiles.json, settings.json, and credentials.json when the user allowed the file. */
  config: string;
  /** The built-in host's data dir ("This computer"). */
  hostData: string;
  /** Where "Save screenshot" puts pictures. */
  screenshots: string;
}

export function appDirs(env: NodeJS.ProcessEnv = process.env): AppDirs {
  const root = env.ORGO_DESKTOP_HOME;
  if (root) {
    return { config: join(root, 'config'), hostData: join(root, 'host'), screenshots: env.ORGO_SCREENSHOT_DIR ?? join(root, 'screenshots') };
  }
  const home = homedir();
  const config = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'orgo-desktop');
  const hostData = join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'orgo-desktop', 'host');
  const pictures = env.XDG_PICTURES_DIR || join(home, 'Pictures');
  return { config, hostData, screenshots: env.ORGO_SCREENSHOT_DIR ?? join(pictures, 'Orgo') };
}
