/**
 * xterm.js writes its styles in the two ways a `style-src 'self'` policy refuses: three <style>
 * elements (cell size, theme colours, scrollbar) and `setAttribute('style', …)` on cells with
 * true-colour text. Refused, the terminal falls back to the UI's proportional font and its columns
 * break. Rather than open the policy to inline styles, the build rewrites those two writes into
 * the CSS object model, which a policy does not govern (it guards against injected markup; these
 * need script, which `script-src 'self'` already holds): the <style> elements become <orgo-css>
 * elements that hold a constructed style sheet (renderer/src/panels/css-sheet.ts), and cell styles
 * go through `element.style.cssText`. Each rewrite must match exactly as often as expected, so an
 * xterm upgrade that changes them fails the build in words instead of breaking the terminal.
 */
import type { Plugin } from 'vite';

const REWRITES: Array<{ what: string; from: string | RegExp; to: string; count: number }> = [
  { what: "xterm's <style> elements", from: /\.createElement\("style"\)/g, to: '.createElement("orgo-css")', count: 3 },
  {
    what: "xterm's per-cell style attribute",
    from: '_addStyle(t,e){t.setAttribute("style",`${t.getAttribute("style")||""}${e};`)}',
    to: '_addStyle(t,e){t.style.cssText+=`${e};`}',
    count: 1,
  },
];

export function rewriteXterm(code: string): string {
  for (const r of REWRITES) {
    const found = typeof r.from === 'string' ? code.split(r.from).length - 1 : (code.match(r.from) ?? []).length;
    if (found !== r.count) throw new Error(`xterm-csp: expected ${r.count} of ${r.what} in @xterm/xterm, found ${found}: the xterm version changed; update renderer/vite-xterm-csp.ts`);
    code = typeof r.from === 'string' ? code.split(r.from).join(r.to) : code.replace(r.from, r.to);
  }
  return code;
}

export const xtermCsp: Plugin = {
  name: 'orgo-xterm-csp',
  enforce: 'pre',
  transform(code, id) {
    if (!/[\\/]@xterm[\\/]xterm[\\/]lib[\\/]xterm\.mjs$/.test(id.split('?')[0]!)) return null;
    return { code: rewriteXterm(code), map: null };
  },
};
