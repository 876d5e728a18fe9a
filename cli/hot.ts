/**
 * Recognises the calls scripts and agents make in loops, so main.ts can answer them without
 * loading commander and the whole command tree (cli/fast.ts). Only the plainest spelling is
 * taken: `orgo computers list --json` (or `c ls`, ORGO_JSON=1, `--profile NAME` anywhere).
 * Anything else (another flag, --help, a missing value) is null and goes to the full program,
 * which parses it as it always did.
 */
export interface HotCall {
  command: 'computers list';
  profile?: string;
}

export function hotCall(argv: string[], env: NodeJS.ProcessEnv): HotCall | null {
  let json = env.ORGO_JSON === '1' || env.ORGO_JSON === 'true';
  let profile: string | undefined;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--profile') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('-')) return null;
      profile = v;
    } else if (a.startsWith('--profile=')) profile = a.slice('--profile='.length);
    else if (a.startsWith('-')) return null;
    else words.push(a);
  }
  if (!json || words.length !== 2) return null;
  const [group, verb] = words;
  if ((group === 'computers' || group === 'c') && (verb === 'list' || verb === 'ls')) return { command: 'computers list', profile };
  return null;
}
