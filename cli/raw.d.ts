/** Vite's `?raw` imports: a file's text, inlined into the bundle. */
declare module '*?raw' {
  const text: string;
  export default text;
}
