/**
 * `orgo`: Orgo's command line for this project's host, any other host and Orgo's cloud. This
 * entry stays tiny so `orgo --version` answers before anything else is loaded; every command
 * lives in its own chunk, imported only when it runs, and the hottest call (`computers list
 * --json`) skips the command tree altogether (cli/hot.ts, cli/fast.ts).
 */
import { hotCall } from './hot.js';

declare const __ORGO_VERSION__: string | undefined;
export const VERSION = typeof __ORGO_VERSION__ === 'string' ? __ORGO_VERSION__ : '0.0.0-dev';

const argv = process.argv.slice(2);
const hot = hotCall(argv, process.env);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else if (hot && (await (await import('./fast.js')).runHot(hot))) {
  // Leave once the answer is out, as run() does: idle keep-alive sockets would hold the process.
  process.stdout.write('', () => process.exit());
} else {
  const { run } = await import('./program.js');
  await run(argv, VERSION);
}
