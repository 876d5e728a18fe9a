/** Named loggers: one line each, `time level [name] message`, to stderr. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = order[(process.env.ORGO_LOG_LEVEL as Level) ?? 'info'] ?? order.info;

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function logger(name: string): Logger {
  const at = (level: Level) => (msg: string) => {
    if (order[level] >= threshold) process.stderr.write(`${new Date().toISOString()} ${level} [${name}] ${msg}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
