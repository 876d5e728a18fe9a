/** `orgo skill install|show`: the Claude Code skill (SKILL.md) that teaches Claude to use computers through orgo. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import SKILL from '../skill/SKILL.md?raw';
import type { Ctx } from '../context.js';
import { printJson, say } from '../output.js';

export const SKILL_MD: string = SKILL;

export async function install(ctx: Ctx): Promise<void> {
  const dir = join((ctx.opts.dir as string | undefined) ?? join(process.env.HOME || homedir(), '.claude', 'skills'), 'computer');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'SKILL.md');
  writeFileSync(file, SKILL_MD);
  if (ctx.out.json) return printJson({ installed: file });
  say(ctx.out, `Installed the "computer" skill: ${file}\nClaude Code picks it up in new sessions (personal skills live in ~/.claude/skills/).`);
}

export async function show(): Promise<void> {
  process.stdout.write(SKILL_MD);
}
