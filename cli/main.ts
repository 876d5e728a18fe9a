/**
 * `orgo`: Orgo's command line for this project's host, any other host and Orgo's cloud. This
 * entry is its own small CommonJS bundle (scripts/build-app.mjs): `orgo --version` and the
 * hottest call, `computers list --json` (cli/hot.ts, cli/fast.ts), answer from it alone;
 * everything else imports the full command tree (program.ts), each command a chunk of its own.
 * No top-level await, so that it can be CommonJS: Node's ES module loader and its facades over
 * node:fs and node:http cost more than the whole of the hot path's own code.
 */
import { runHot } from './fast.js';
import { hotCall } from './hot.js';

declare const __ORGO_VERSION__: string | undefined;
export const VERSION = typeof __ORGO_VERSION__ === 'string' ? __ORGO_VERSION__ : '0.0.0-dev';

async function main(argv: string[]): Promise<void> {
  const hot = hotCall(argv, process.env);
  if (hot && (await runHot(hot))) {
    // Leave once the answer is out, as run() does: idle keep-alive sockets would hold the process.
    process.stdout.write('', () => process.exit());
    return;
  }
  const { run } = await import('./program.js');
  await run(argv, VERSION);
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) process.stdout.write(`${VERSION}\n`);
else void main(argv);
