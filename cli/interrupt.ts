/**
 * Ctrl+C: with nothing to clean up the CLI leaves at once (exit 130); a command that must not
 * leave things half done (an upload, an agent run) registers a handler that cancels its work
 * and then lets the command end. A second Ctrl+C leaves at once either way.
 */
const handlers = new Set<() => void>();
let installed = false;
let pressed = false;

export function onInterrupt(fn: () => void): () => void {
  install();
  handlers.add(fn);
  return () => handlers.delete(fn);
}

export function install(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (pressed || handlers.size === 0) {
      process.stderr.write('\n');
      process.exit(130);
    }
    pressed = true;
    for (const h of [...handlers]) h();
  });
}
