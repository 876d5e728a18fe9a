import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rewriteXterm } from '../../renderer/vite-xterm-csp.js';

const xtermSource = () => readFileSync(createRequire(import.meta.url).resolve('@xterm/xterm').replace(/xterm\.js$/, 'xterm.mjs'), 'utf8');

describe("the build's rewrite of xterm's inline styles", () => {
  it('leaves the installed xterm with no <style> element and no style attribute write', () => {
    const out = rewriteXterm(xtermSource());
    expect(out).not.toContain('createElement("style")');
    expect(out).not.toContain('setAttribute("style"');
    expect(out.split('createElement("orgo-css")').length - 1).toBe(3);
    expect(out).toContain('t.style.cssText+=');
  });
  it('fails in words when xterm changes under it', () => {
    expect(() => rewriteXterm(xtermSource().replace('_addStyle(t,e){t.setAttribute', '_addStyle(t,e){t.setAttr'))).toThrow(/the xterm version changed/);
  });
});
