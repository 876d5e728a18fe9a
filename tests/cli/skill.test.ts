/**
 * The Claude Code skill (cli/skill/SKILL.md): frontmatter within Claude Code's limits (name of
 * lowercase letters, digits and hyphens up to 64; description up to 1,024 characters; description
 * and when_to_use together up to the listing's 1,536; the body under 500 lines), every `orgo`
 * command and flag it names exists in the CLI, and `orgo skill install` puts it where Claude Code
 * looks for personal skills.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../cli/program.js';
import { ROOT, buildCli, cliHome, orgo, type CliHome } from '../helpers/orgo-cli.js';

const text = readFileSync(join(ROOT, 'cli/skill/SKILL.md'), 'utf8');
const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
const fields = Object.fromEntries(front.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));

let h: CliHome;
beforeAll(() => {
  buildCli();
  h = cliHome();
});
afterAll(() => h?.close());

/** The command a line of the skill runs, checked against the CLI's own tree: subcommands, then flags. */
function check(program: Command, line: string): string[] {
  const words = line.match(/'[^']*'|"[^"]*"|\S+/g)!.slice(1);
  const problems: string[] = [];
  let cmd = program;
  let i = 0;
  for (; i < words.length; i++) {
    const next = cmd.commands.find((c) => c.name() === words[i] || c.aliases().includes(words[i]!));
    if (!next) break;
    cmd = next;
  }
  if (cmd === program) problems.push(`"${line}": no such command`);
  if (cmd.commands.length && !cmd.commands.some((c) => c.name() === 'list') && !cmd.registeredArguments.length) problems.push(`"${line}": ${cmd.name()} needs a subcommand`);
  const known = new Set<string>();
  for (let c: Command | null = cmd; c; c = c.parent) for (const o of c.options) [o.long, o.short].forEach((f) => f && known.add(f));
  for (const w of words.slice(i)) {
    if (w === '--') break;
    if (w.startsWith('-') && !known.has(w.split('=')[0]!)) problems.push(`"${line}": ${cmd.name()} has no ${w}`);
  }
  return problems;
}

describe('the computer skill', () => {
  it('has frontmatter within Claude Code\'s limits', () => {
    expect(Object.keys(fields).sort()).toEqual(['description', 'name', 'when_to_use']);
    expect(fields.name).toBe('computer');
    expect(fields.name).toMatch(/^[a-z0-9-]{1,64}$/);
    expect(fields.description!.length).toBeGreaterThan(50);
    expect(fields.description!.length).toBeLessThanOrEqual(1024);
    expect(fields.description!.length + fields.when_to_use!.length).toBeLessThanOrEqual(1536);
    expect(body.split('\n').length).toBeLessThan(500);
    // Plain YAML scalars: no characters that would start a YAML structure mid-value.
    for (const v of Object.values(fields)) expect(v).not.toMatch(/: |^[>|&*!%@`]| #/);
  });

  it('names only commands and flags the CLI has', () => {
    const program = build('x');
    const lines = [...body.matchAll(/^orgo [^\n#]*/gm), ...body.matchAll(/`(orgo [^`]+)`/g)].map((m) => (m[1] ?? m[0]).trim());
    expect(lines.length).toBeGreaterThan(8);
    for (const want of ['orgo run', 'orgo ssh', 'orgo computers create', 'orgo computers list', 'orgo computers delete']) expect(lines.some((l) => l.startsWith(want)), want).toBe(true);
    expect(lines.flatMap((l) => check(program, l))).toEqual([]);
  });

  it('is installed by orgo skill install into ~/.claude/skills/computer/', async () => {
    const r = await orgo(['skill', 'install'], h.env);
    expect(r.code, r.stderr).toBe(0);
    const file = join(h.dir, '.claude/skills/computer/SKILL.md');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect((await orgo(['skill', 'show'], h.env)).stdout).toBe(text);
  });
});
