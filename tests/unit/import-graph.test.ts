/**
 * The import graph of our own TypeScript has no circle. A circle is how layers start to lean on
 * each other (a route importing a helper back from the app that registers it); lint holds the
 * direction of the arrows (eslint.config.js), this holds that they never loop.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.tsx'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('tests/') && !f.startsWith('bench/') && !f.endsWith('.d.ts') && existsSync(join(root, f)));

/** Relative imports of one file, resolved to repository paths (type-only imports count too). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) {
    const spec = (m[1] ?? m[2])!;
    const base = relative(root, resolve(root, dirname(file), spec));
    const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, `${base}.tsx`, `${base}/index.ts`];
    const hit = candidates.find((c) => files.includes(c));
    if (hit) out.push(hit);
  }
  return out;
}

function findCycles(): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') cycles.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import graph', () => {
  it('reads the project (the check is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf('host/http/app.ts')).toContain('host/http/services.ts');
  });

  it('has no import circle', () => {
    expect(findCycles().map((c) => c.join(' -> '))).toEqual([]);
  });
});
