/**
 * The command tree: every command, alias, option and example, declared here so `--help` and
 * completion know them all, with each action in its own module loaded only when it runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { CPU_COUNTS, RAM_GB } from '../shared/api/specs.js';
import type { Ctx } from './context.js';
import { EXIT, explain, report, UsageError } from './fail.js';
import { install } from './interrupt.js';
import { makeOut } from './output.js';

type Module = Record<string, unknown>;
type Loader = () => Promise<Module>;

const L = {
  home: () => import('./commands/home.js'),
  auth: () => import('./commands/auth.js'),
  ws: () => import('./commands/workspaces.js'),
  computers: () => import('./commands/computers.js'),
  manage: () => import('./commands/manage.js'),
  ssh: () => import('./commands/ssh.js'),
  shot: () => import('./commands/screenshot.js'),
  bash: () => import('./commands/bash.js'),
  files: () => import('./commands/files.js'),
  keys: () => import('./commands/api-keys.js'),
  agent: () => import('./agent/commands.js'),
  skill: () => import('./commands/skill.js'),
} satisfies Record<string, Loader>;
const completionModule = () => import('./commands/completion.js');

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

let current: Command | null = null;
let currentCtx: Ctx | null = null;

/** Runs `fn` of a lazily loaded module with the parsed arguments; its answer is the exit code. */
function act(load: Loader, fn: string) {
  return async (...parsed: unknown[]) => {
    const cmd = parsed.at(-1) as Command;
    current = cmd;
    const opts = cmd.optsWithGlobals();
    const out = makeOut(!!opts.json);
    const ctx: Ctx = {
      out,
      profile: opts.profile as string | undefined,
      opts,
      cmd,
      async connect() {
        const { connect, place } = await import('./connect.js');
        ctx.server = place(ctx.profile).profile.baseUrl;
        return connect(ctx.profile);
      },
    };
    currentCtx = ctx;
    const mod = await load();
    const code = await (mod[fn] as (ctx: Ctx, ...a: unknown[]) => Promise<number | void>)(ctx, ...cmd.processedArgs);
    process.exitCode = code ?? 0;
  };
}

function sub(parent: Command, spec: string, description: string, ex: string[]): Command {
  const c = parent.command(spec).description(description);
  if (ex.length) c.addHelpText('after', examples(ex));
  return c;
}

export function build(version: string): Command {
  const program = new Command('orgo')
    .description("Orgo's command line: computers for AI agents, on this machine's host, any other host or Orgo's cloud")
    .version(version, '-V, --version')
    .option('--json', 'print JSON (also ORGO_JSON=1)')
    .option('--profile <name>', 'the profile to use: "This computer", "Orgo cloud", or one added in the app (also ORGO_PROFILE)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError()
    .exitOverride()
    .action(act(L.home, 'home'));
  program.addHelpText(
    'after',
    examples(['orgo login', 'orgo computers create --name agent-1', 'orgo ssh agent-1', 'orgo run "open example.com and read the heading" --computer agent-1 --json']) +
      '\nEnvironment: ORGO_API_KEY, ORGO_API_BASE_URL, ORGO_PROFILE, ORGO_JSON=1, ORGO_NO_COLOR=1 (or NO_COLOR).\nExit codes: 0 done, 1 the server or computer refused (its message says why), 2 wrong usage, 130 interrupted.\n',
  );

  // --- account ------------------------------------------------------------------------------
  sub(program, 'login', "sign in to the profile's server with a one-time code shown here and approved in a browser", [
    'orgo login',
    'orgo login --profile "Orgo cloud"',
    'echo "$KEY" | orgo login --with-token',
  ])
    .option('--with-token', 'read an API key from stdin instead')
    .option('--no-browser', 'do not open a browser; just show the address')
    .action(act(L.auth, 'login'));
  sub(program, 'logout', "forget this profile's key", ['orgo logout', 'orgo logout --profile lab']).action(act(L.auth, 'logout'));
  sub(program, 'whoami', 'the profile, server and key in use, checked against the server', ['orgo whoami', 'orgo whoami --json']).action(act(L.auth, 'whoami'));

  // --- workspaces ---------------------------------------------------------------------------
  const ws = sub(program, 'workspaces', 'workspaces: list, create, delete', ['orgo ws list', 'orgo ws create lab']).alias('ws');
  sub(ws, 'list', 'list workspaces', ['orgo ws list', 'orgo ws list --json']).alias('ls').action(act(L.ws, 'list'));
  sub(ws, 'create <name>', 'create a workspace', ['orgo ws create lab']).action(act(L.ws, 'create'));
  sub(ws, 'delete <workspace>', 'delete a workspace (by name or id)', ['orgo ws delete lab --yes', 'orgo ws delete lab --yes --force'])
    .alias('rm')
    .option('-y, --yes', 'do not ask')
    .option('--force', 'also delete its computers')
    .action(act(L.ws, 'remove'));

  // --- computers ----------------------------------------------------------------------------
  const c = sub(program, 'computers', 'computers: list, create, get, start, stop, restart, delete, clone, move, resize', [
    'orgo computers list',
    'orgo c create --name agent-1 --ram 8 --cpu 4',
  ]).alias('c');
  sub(c, 'list', 'list computers', ['orgo computers list', 'orgo c ls --workspace lab --json'])
    .alias('ls')
    .option('-w, --workspace <workspace>', 'only this workspace (name or id)')
    .action(act(L.computers, 'list'));
  sub(c, 'create', 'create a computer (asks on a terminal for what the flags leave out)', [
    'orgo computers create',
    'orgo c create --workspace lab --name agent-1 --ram 8 --cpu 4 --disk 20 --resolution 1920x1080x24',
  ])
    .option('-w, --workspace <workspace>', 'workspace (name or id)')
    .option('-n, --name <name>', "the computer's name")
    .addOption(new Option('--ram <gb>', 'memory in GB').choices(RAM_GB.map(String)))
    .addOption(new Option('--cpu <cores>', 'CPU cores').choices(CPU_COUNTS.map(String)))
    .option('--disk <gb>', 'disk size in GB')
    .option('--resolution <WxHxD>', 'screen, e.g. 1280x720x24')
    .option('--auto-stop <minutes>', 'stop after this many idle minutes (0: never)')
    .action(act(L.computers, 'create'));
  for (const [verb, what] of [
    ['get', 'show one computer'],
    ['start', 'start a computer'],
    ['stop', 'stop a computer (its disk is kept)'],
    ['restart', 'restart a computer'],
  ] as const) {
    const cmd = sub(c, `${verb} <computer>`, what, [`orgo computers ${verb} agent-1`, `orgo c ${verb} agent-1 --json`]).action(act(L.computers, verb));
    if (verb === 'get') cmd.alias('show');
  }
  sub(c, 'delete <computer>', 'delete a computer and its disk (asks unless --yes)', ['orgo computers delete agent-1', 'orgo c rm agent-1 --yes'])
    .alias('rm')
    .option('-y, --yes', 'do not ask')
    .action(act(L.computers, 'remove'));
  sub(c, 'clone <computer>', 'copy a computer with its disk (where the server offers it)', ['orgo computers clone agent-1 --name agent-2'])
    .option('-n, --name <name>', "the copy's name")
    .action(act(L.manage, 'clone'));
  sub(c, 'move <computer>', 'move a computer to another workspace (where the server offers it)', ['orgo computers move agent-1 --workspace prod'])
    .requiredOption('-w, --workspace <workspace>', 'the workspace to move to')
    .action(act(L.manage, 'move'));
  sub(c, 'resize <computer>', 'change CPU, memory or disk (where the server offers it)', ['orgo computers resize agent-1 --cpu 4 --ram 8'])
    .option('--cpu <cores>', 'CPU cores')
    .option('--ram <gb>', 'memory in GB')
    .option('--disk <gb>', 'disk size in GB (grow only)')
    .action(act(L.manage, 'resize'));

  // --- using a computer ---------------------------------------------------------------------
  sub(program, 'ssh <computer>', "a shell on the computer's terminal; ~. at the start of a line, or Ctrl+C twice quickly, disconnects", [
    'orgo ssh agent-1',
    'orgo ssh agent-1 --cwd Desktop',
  ])
    .option('--cwd <dir>', 'start in this folder')
    .action(act(L.ssh, 'ssh'));
  sub(program, 'screenshot <computer>', "save the computer's screen as PNG", ['orgo screenshot agent-1', 'orgo screenshot agent-1 -o screen.png', 'orgo screenshot agent-1 -o - > s.png'])
    .option('-o, --output <file>', 'where to save it (- for stdout)')
    .action(act(L.shot, 'screenshot'));
  sub(program, 'bash <computer> [command...]', 'run a command in the computer; exits with its exit code', ['orgo bash agent-1 -- uname -a', "orgo bash agent-1 -- 'ls ~/Desktop | wc -l'"])
    .option('--timeout <seconds>', 'give up after this long')
    .action(act(L.bash, 'bash'));

  const f = sub(program, 'files', "a workspace's files: upload (onto a computer's desktop), list, download, export, delete", [
    'orgo files upload report.pdf --computer agent-1',
    'orgo files list --computer agent-1',
  ]);
  sub(f, 'upload <file>', "upload a file; with --computer it lands on that computer's Desktop", ['orgo files upload state.tar.gz --computer agent-1'])
    .option('-c, --computer <computer>', 'put it on this computer\'s Desktop')
    .option('-w, --workspace <workspace>', 'the workspace (default: the computer\'s)')
    .action(act(L.files, 'upload'));
  sub(f, 'list', 'list files', ['orgo files list --workspace lab', 'orgo files ls --computer agent-1 --json'])
    .alias('ls')
    .option('-c, --computer <computer>', 'only files of this computer')
    .option('-w, --workspace <workspace>', 'only this workspace')
    .action(act(L.files, 'list'));
  sub(f, 'download <id>', 'download a file by id', ['orgo files download f_123 -o report.pdf']).option('-o, --output <file>', 'where to save it').action(act(L.files, 'download'));
  sub(f, 'export <computer> <path>', 'copy a file out of a computer (a path under /home/user) and download it', ['orgo files export agent-1 Desktop/out.csv -o out.csv'])
    .option('-o, --output <file>', 'where to save it')
    .action(act(L.files, 'exportFile'));
  sub(f, 'delete <id>', 'delete a file', ['orgo files delete f_123']).alias('rm').action(act(L.files, 'remove'));

  const k = sub(program, 'api-keys', 'API keys: list, create, delete', ['orgo api-keys list', 'orgo api-keys create --name ci --workspace lab']).alias('keys');
  sub(k, 'list', 'list API keys', ['orgo api-keys list --json']).alias('ls').action(act(L.keys, 'list'));
  sub(k, 'create', 'create an API key (shown once)', ['orgo api-keys create --name ci', 'orgo api-keys create --name lab-only --workspace lab'])
    .requiredOption('-n, --name <name>', "the key's name")
    .option('-w, --workspace <workspace>', 'limit it to this workspace')
    .action(act(L.keys, 'create'));
  sub(k, 'delete <key>', 'delete an API key (by id or name)', ['orgo api-keys delete ci --yes']).alias('rm').option('-y, --yes', 'do not ask').action(act(L.keys, 'remove'));

  // --- agents -------------------------------------------------------------------------------
  sub(program, 'agent', 'talk to an AI agent that uses a computer (a conversation in this terminal)', ['orgo agent --computer agent-1', 'orgo agent --computer agent-1 --model claude-opus-4-7'])
    .requiredOption('-c, --computer <computer>', 'the computer the agent uses')
    .option('-m, --model <model>', 'the model (default: the server\'s)')
    .option('--max-steps <n>', 'stop a run after this many steps')
    .action(act(L.agent, 'agent'));
  sub(program, 'run <prompt>', 'give an agent one task on a computer and print what it did', [
    'orgo run "open example.com and read the heading" --computer agent-1',
    'orgo run "list the files on the desktop" -c agent-1 --json',
  ])
    .requiredOption('-c, --computer <computer>', 'the computer the agent uses')
    .option('-m, --model <model>', 'the model')
    .option('--max-steps <n>', 'stop after this many steps')
    .action(act(L.agent, 'run'));
  sub(program, 'resume [session]', 'continue a saved agent session (the latest when none is named)', ['orgo resume', 'orgo resume s_1f2e3d'])
    .option('-m, --model <model>', 'the model')
    .action(act(L.agent, 'resume'));
  sub(program, 'sessions', 'list saved agent sessions (~/.orgo/sessions/)', ['orgo sessions', 'orgo sessions --json']).action(act(L.agent, 'sessions'));

  // --- setup --------------------------------------------------------------------------------
  const sk = sub(program, 'skill', 'the Claude Code skill that teaches Claude to use computers through orgo', ['orgo skill install', 'orgo skill show']);
  sub(sk, 'install', 'install it into ~/.claude/skills/computer/', ['orgo skill install']).option('--dir <dir>', 'another skills folder').action(act(L.skill, 'install'));
  sub(sk, 'show', 'print SKILL.md', ['orgo skill show']).action(act(L.skill, 'show'));
  sub(program, 'completion <shell>', 'print a completion script for bash, zsh or fish (completes commands and computer names)', [
    'source <(orgo completion bash)',
    'orgo completion zsh > "${fpath[1]}/_orgo"',
    'orgo completion fish > ~/.config/fish/completions/orgo.fish',
  ]).action(act(completionModule, 'completion'));
  // Hidden: what the completion scripts call (handled in run(), before options are parsed).
  program.command('__complete', { hidden: true });
  return program;
}

/** Parses and runs; every way out sets the exit code: 0, 1 refused, 2 usage, 130 interrupted. */
export async function run(argv: string[], version: string): Promise<void> {
  const program = build(version);
  install();
  try {
    if (argv[0] === '__complete') await (await completionModule()).complete(program, argv.slice(1));
    else await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    fail(program, e);
  }
  // Leave once the answer is out: fetch's idle keep-alive connections would hold the process
  // for most of a second more (a bare fetch in Node 20 takes ~1.1 s to exit here, ~0.4 s to run).
  process.stdout.write('', () => process.exit());
}

function fail(program: Command, e: unknown): void {
  if (e instanceof CommanderError) {
    // --help and --version are answers, not errors; commander has printed the usage already.
    process.exitCode = e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : EXIT.usage;
    return;
  }
  const cmd = current ?? program;
  const out = makeOut(!!cmd.optsWithGlobals().json);
  const f = explain(e, currentCtx?.server);
  report(out, f);
  if (e instanceof UsageError && !out.json) cmd.outputHelp({ error: true });
  process.exitCode = f.exitCode;
}
