/**
 * Shell completion: each script asks `orgo __complete WORDS…` for candidates, so the command
 * tree (and the computers on the active profile) is only described once, in program.ts.
 */
import type { Command, Option } from 'commander';
import type { Ctx } from '../context.js';
import { UsageError } from '../fail.js';

const SCRIPTS: Record<string, string> = {
  bash: `# orgo completion for bash: source <(orgo completion bash)
_orgo() {
  local IFS=$'\\n'
  COMPREPLY=($(orgo __complete "\${COMP_WORDS[@]:1:$COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _orgo orgo
`,
  zsh: `#compdef orgo
# orgo completion for zsh: orgo completion zsh > "\${fpath[1]}/_orgo"   (or: source <(orgo completion zsh))
_orgo() {
  local -a candidates
  candidates=(\${(f)"$(orgo __complete \${words[2,CURRENT]} 2>/dev/null)"})
  compadd -a candidates
}
compdef _orgo orgo
`,
  fish: `# orgo completion for fish: orgo completion fish > ~/.config/fish/completions/orgo.fish
complete -c orgo -f -a '(orgo __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
};

export async function completion(_ctx: Ctx, shell: string): Promise<void> {
  const s = SCRIPTS[shell];
  if (!s) throw new UsageError(`No completion for "${shell}": bash, zsh or fish`);
  process.stdout.write(s);
}

const COMPUTER_ARGS = new Set(['computer']);
const COMPUTER_FLAGS = new Set(['--computer', '-c']);

function takesValue(cmd: Command, flag: string): boolean {
  const all: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) all.push(...c.options);
  const o = all.find((x) => x.long === flag || x.short === flag);
  return !!o && (o.required || o.optional);
}

/** The candidates for the last of `words` (the one being typed), one a line. */
export async function candidates(program: Command, words: string[], computers: () => Promise<string[]>): Promise<string[]> {
  const partial = words.at(-1) ?? '';
  let cmd = program;
  let positional = 0;
  let valueFor: string | null = null;
  for (const w of words.slice(0, -1)) {
    if (valueFor) {
      valueFor = null;
      continue;
    }
    if (w.startsWith('-')) {
      if (!w.includes('=') && takesValue(cmd, w)) valueFor = w;
      continue;
    }
    const next = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (next && positional === 0) cmd = next;
    else positional++;
  }
  let out: string[] = [];
  if (valueFor) out = COMPUTER_FLAGS.has(valueFor) ? await computers() : [];
  else if (partial.startsWith('-')) {
    for (let c: Command | null = cmd; c; c = c.parent) for (const o of c.options) if (o.long) out.push(o.long);
  } else {
    if (positional === 0) out = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name());
    const arg = cmd.registeredArguments[positional];
    if (arg && COMPUTER_ARGS.has(arg.name())) out.push(...(await computers()));
  }
  return [...new Set(out)].filter((c) => c.startsWith(partial));
}

export async function complete(program: Command, words: string[]): Promise<void> {
  const names = async () => {
    try {
      const { connect } = await import('../connect.js');
      const { client } = await connect(undefined);
      return (await Promise.race([client.listComputers(), new Promise<never>((_, r) => setTimeout(() => r(new Error('slow')), 2000))])).map((c) => c.name);
    } catch {
      return [];
    }
  };
  for (const c of await candidates(program, words.length ? words : [''], names)) process.stdout.write(c + '\n');
}
