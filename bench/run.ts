/**
 * `npm run bench [-- part ...]`: runs the named parts (default: all) against real hosts and
 * desktops on this machine, each printing ours beside the peer baseline from the same run.
 */
const parts: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  boot: () => import('./boot.js'),
  files: () => import('./files.js'),
  actions: () => import('./actions.js'),
  channels: () => import('./channels.js'),
  'terminal-relay': () => import('./terminal-relay.js'),
  app: () => import('./app.js'),
  density: () => import('./density.js'),
  many: () => import('./many.js'),
  agent: () => import('./agent.js'),
  cli: () => import('./cli.js'),
  manage: () => import('./manage.js'),
  stream: () => import('./stream.js'),
  network: () => import('./network.js'),
};

// Flags (`--max 150`) and their values belong to the parts.
const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && !all[i - 1]?.startsWith('--'));
const unknown = wanted.filter((w) => !(w in parts));
if (unknown.length) {
  console.error(`unknown bench part(s): ${unknown.join(', ')}; known: ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : Object.keys(parts)) {
  console.log(`\n# bench: ${name}`);
  await (await parts[name]!()).run();
}
