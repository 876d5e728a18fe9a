/**
 * What the CLI prints, as GitHub CLI does it: aligned tables and colour for people on a
 * terminal, tab-separated plain text when piped, JSON with --json (or ORGO_JSON=1). Colour is
 * off with ORGO_NO_COLOR, NO_COLOR or when the stream is not a terminal. Spinners and progress
 * go to stderr, only when stderr is a terminal.
 */
import { formatBytes } from './units.js';

export interface Out {
  json: boolean;
  /** stdout is a terminal. */
  tty: boolean;
  color: boolean;
  /** stderr is a terminal (spinners and progress are drawn there). */
  errTty: boolean;
}

export function makeOut(json: boolean, env: NodeJS.ProcessEnv = process.env): Out {
  const noColor = !!env.ORGO_NO_COLOR || env.NO_COLOR !== undefined;
  const tty = !!process.stdout.isTTY;
  return { json: json || env.ORGO_JSON === '1' || env.ORGO_JSON === 'true', tty, color: tty && !noColor, errTty: !!process.stderr.isTTY };
}

const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof codes;

export function paint(out: Pick<Out, 'color'>, style: Style, s: string): string {
  if (!out.color) return s;
  const [a, b] = codes[style];
  return `\x1b[${a}m${s}\x1b[${b}m`;
}

/** Status words coloured the way people read them. */
export function status(out: Out, s: string): string {
  const style: Style = s === 'running' ? 'green' : s === 'error' ? 'red' : s === 'stopped' || s === 'suspended' ? 'dim' : 'yellow';
  return paint(out, style, s);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

// eslint-disable-next-line no-control-regex -- colour codes are what is being removed
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** Rows under a header: padded columns on a terminal, tab-separated without a header when piped. */
export function table(out: Out, header: string[], rows: string[][]): void {
  if (!out.tty) {
    for (const r of rows) process.stdout.write(r.join('\t') + '\n');
    return;
  }
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => visible(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c)))).join('  ').trimEnd();
  process.stdout.write(paint(out, 'bold', line(header)) + '\n');
  for (const r of rows) process.stdout.write(line(r) + '\n');
}

/** One line for people (nothing in --json mode, where the command prints its object instead). */
export function say(out: Out, s: string): void {
  if (!out.json) process.stdout.write(s + '\n');
}

/** Notes that are not the command's answer: always stderr, so pipes get only the answer. */
export function note(s: string): void {
  process.stderr.write(s + '\n');
}

export interface Spinner {
  text(s: string): void;
  stop(final?: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function spinner(out: Out, text: string): Spinner {
  if (!out.errTty || out.json) return { text: () => {}, stop: (f) => f && !out.json && note(f) };
  let i = 0;
  let current = text;
  const draw = () => process.stderr.write(`\r\x1b[2K${paint({ color: out.color }, 'cyan', FRAMES[i++ % FRAMES.length]!)} ${current}`);
  draw();
  const t = setInterval(draw, 80);
  return {
    text: (s) => (current = s),
    stop(final) {
      clearInterval(t);
      process.stderr.write('\r\x1b[2K' + (final ? final + '\n' : ''));
    },
  };
}

/** A progress bar on stderr: `[█████░░░░░]  42%  4.2 MB of 10 MB`; plain lines when not a terminal. */
export function progress(out: Out, label: string): { update(done: number, total: number): void; done(final: string): void } {
  let lastPct = -1;
  return {
    update(done, total) {
      const pct = total ? Math.floor((done / total) * 100) : 0;
      if (pct === lastPct) return;
      lastPct = pct;
      if (out.errTty) {
        const width = 24;
        const fill = Math.round((pct / 100) * width);
        process.stderr.write(`\r\x1b[2K${label} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${String(pct).padStart(3)}%  ${formatBytes(done)} of ${formatBytes(total)}`);
      } else if (pct % 25 === 0 && !out.json) {
        note(`${label} ${pct}% (${formatBytes(done)} of ${formatBytes(total)})`);
      }
    },
    done(final) {
      if (out.errTty) process.stderr.write('\r\x1b[2K');
      if (!out.json) note(final);
    },
  };
}
