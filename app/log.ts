/** Named loggers for the app's main side: the host's logger, with names under `app:`. */
import { logger as named, type Logger } from '../shared/node/log.js';

export type { Logger };

export function logger(name: string): Logger {
  return named(`app:${name}`);
}
