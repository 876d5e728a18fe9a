/** What is wrong with a server address a person typed, in words; null when it can be added. */
export function addressProblem(raw: string): string | null {
  const text = raw.trim();
  if (!text) return 'Enter the server’s address, for example https://lab-server:7391';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return `Start the address with http:// or https:// (for example https://${text.replace(/^\/+/, '')})`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `“${text}” is not a web address: check for spaces or stray characters`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Only http:// and https:// servers can be added, not ${url.protocol}//`;
  if (!url.hostname) return 'The address needs a server name after http:// or https://';
  return null;
}
