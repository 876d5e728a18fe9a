/**
 * `npm run host -- [--data-dir DIR] [--port PORT] [--listen ADDR] [--tls-cert F --tls-key F]`
 * Runs the host in the foreground until Ctrl-C or SIGTERM; computers' disks stay on disk.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_UPLOAD_MB, startHost } from './host.js';
import { KEY_FILE } from './auth/keys.js';
import { checkHostSystem } from './system.js';
import { parseProviders } from './agents/models.js';
import { readFileSync } from 'node:fs';

const usage = `Usage: npm run host -- [options]

  --data-dir DIR    where computers' disks and the database live
                    (default: $XDG_DATA_HOME/orgo-desktop/host)
  --port PORT       port to listen on (default 7391; 0 picks a free one)
  --listen ADDR     address to listen on (default 127.0.0.1)
  --tls-cert FILE   serve HTTPS/WSS with this certificate...
  --tls-key FILE    ...and this key
  --max-upload-mb N largest file upload accepted, in MB (default 100)
  --anthropic-key-file FILE
                    the host's own Anthropic key for the agent endpoint (else
                    ANTHROPIC_API_KEY; a request's x-anthropic-key wins)
  --agent-providers FILE
                    OpenAI-compatible model providers, JSON:
                    [{"name", "base_url", "api_key"?, "models": [...]}]
  --public-url URL  the address people reach this host at, for links it hands out
                    (device login's approval page); default: the address it listens on
  -h, --help        this text
`;

export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'orgo-desktop', 'host');
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        listen: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'max-upload-mb': { type: 'string' },
        'anthropic-key-file': { type: 'string' },
        'agent-providers': { type: 'string' },
        'public-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(usage);
    return;
  }
  const port = Number(args.port ?? 7391);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a number from 0 to 65535, not ${args.port}\n`);
    process.exit(2);
  }
  if (!!args['tls-cert'] !== !!args['tls-key']) {
    process.stderr.write('--tls-cert and --tls-key go together\n');
    process.exit(2);
  }
  const maxUploadMb = Number(args['max-upload-mb'] ?? DEFAULT_MAX_UPLOAD_MB);
  if (!Number.isFinite(maxUploadMb) || maxUploadMb <= 0) {
    process.stderr.write(`--max-upload-mb must be a number of megabytes above 0, not ${args['max-upload-mb']}\n`);
    process.exit(2);
  }
  const problem = checkHostSystem();
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const dataDir = args['data-dir'] ?? defaultDataDir();
  let agents;
  try {
    agents = {
      ...(args['anthropic-key-file'] ? { anthropicKey: readFileSync(args['anthropic-key-file'], 'utf8').trim() } : {}),
      ...(args['agent-providers'] ? { providers: parseProviders(readFileSync(args['agent-providers'], 'utf8')) } : {}),
    };
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const host = await startHost({
    dataDir,
    port,
    listen: args.listen,
    tlsCert: args['tls-cert'],
    tlsKey: args['tls-key'],
    bootstrapKey: process.env.ORGO_HOST_BOOTSTRAP_KEY,
    minuteMs: process.env.ORGO_HOST_MINUTE_MS ? Number(process.env.ORGO_HOST_MINUTE_MS) : undefined,
    maxUploadMb,
    agents,
    publicUrl: args['public-url'] ?? process.env.ORGO_HOST_PUBLIC_URL,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping computers (their disks stay)...\n`);
    host.close().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`shutdown: ${e}\n`);
        process.exit(1);
      },
    );
  };
  // Before the banner: a script that signals as soon as it reads "listening on" must find the handlers in place.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // One write: whoever reads the banner (a script waiting for "listening on") gets the key's line with it.
  const key = host.generatedKey ? `  API key:  ${host.generatedKey}\n            (shown once; also saved to ${join(host.dataDir, KEY_FILE)}, mode 0600)\n` : '';
  process.stdout.write(`Orgo host listening on ${host.url}\n  API:      ${host.url}/api\n  data dir: ${host.dataDir}\n${key}`);
}

main().catch((e) => {
  process.stderr.write(`orgo host: ${(e as Error).message}\n`);
  process.exit(1);
});
