/**
 * <orgo-css>: what xterm's <style> elements become in the build (renderer/vite-xterm-csp.ts). Its
 * text goes into a constructed style sheet adopted by the document while the element is
 * connected, so the page's `style-src 'self'` policy stays closed to inline styles.
 */
class CssSheetElement extends HTMLElement {
  private readonly css = new CSSStyleSheet();
  private text = '';

  override get textContent(): string {
    return this.text;
  }
  override set textContent(value: string | null) {
    this.text = value ?? '';
    this.css.replaceSync(this.text);
  }
  connectedCallback(): void {
    this.hidden = true;
    const doc = this.ownerDocument;
    if (!doc.adoptedStyleSheets.includes(this.css)) doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, this.css];
  }
  disconnectedCallback(): void {
    const doc = this.ownerDocument;
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== this.css);
  }
}

if (!customElements.get('orgo-css')) customElements.define('orgo-css', CssSheetElement);
