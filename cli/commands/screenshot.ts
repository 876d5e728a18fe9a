/** `orgo screenshot <computer> [-o file]`: the screen as PNG, to a file or stdout. */
import { writeFileSync } from 'node:fs';
import type { Ctx } from '../context.js';
import { printJson, say } from '../output.js';
import { findComputer, needRunning } from '../resolve.js';

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 24 || b[0] !== 0x89 || b[1] !== 0x50) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

export async function screenshot(ctx: Ctx, wanted: string): Promise<void> {
  const { client } = await ctx.connect();
  const c = await findComputer(client, wanted);
  needRunning(c);
  const png = await client.screenshotBytes(c.id);
  const file = (ctx.opts.output as string | undefined) ?? `${c.name.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
  if (file === '-') {
    process.stdout.write(png);
    return;
  }
  writeFileSync(file, png);
  const size = pngSize(png);
  if (ctx.out.json) return printJson({ path: file, bytes: png.byteLength, ...size, computer: { id: c.id, name: c.name } });
  say(ctx.out, `Saved ${file} (${size ? `${size.width}×${size.height}, ` : ''}${png.byteLength} bytes).`);
}
