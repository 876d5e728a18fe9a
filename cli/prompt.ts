/**
 * Questions on a terminal (readline on stderr, so a piped stdout stays clean). Without a
 * terminal there is nobody to ask: the command says which flag to pass instead (exit 2).
 */
import { createInterface } from 'node:readline/promises';
import { UsageError } from './fail.js';

export const canAsk = () => !!process.stdin.isTTY && !!process.stderr.isTTY;

export async function ask(question: string, fallback?: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim();
    return answer || fallback || '';
  } finally {
    rl.close();
  }
}

/** One of `choices`, asked again until it is one. */
export async function choose(question: string, choices: string[], fallback: string): Promise<string> {
  for (;;) {
    const a = await ask(`${question} (${choices.join('/')})`, fallback);
    if (choices.includes(a)) return a;
    process.stderr.write(`  one of: ${choices.join(', ')}\n`);
  }
}

/** Yes or no; refuses to guess without a terminal. */
export async function confirm(question: string, flag = '--yes'): Promise<boolean> {
  if (!canAsk()) throw new UsageError(`${question} Nobody to ask without a terminal: pass ${flag}.`);
  return /^y(es)?$/i.test(await ask(`${question} (y/N)`));
}
