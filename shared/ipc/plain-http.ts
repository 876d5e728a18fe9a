/**
 * Plain http to another machine: the API key (sent with every request) crosses the network in
 * clear. The app refuses such a server unless the user allows it for that profile; loopback
 * (this machine) is not the network and stays allowed. Shared by main (which enforces it) and the
 * "Add a server" dialog (which offers the choice, in these words).
 */
export function isPlainHttpToAnotherMachine(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return false;
  }
  if (u.protocol !== 'http:') return false;
  const h = u.hostname.toLowerCase();
  const loopback = h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
  return !loopback;
}

export const PLAIN_HTTP_WARNING = 'Plain http: your API key would cross the network unencrypted, and anyone on the way could read it and use your account. Use https://, or allow plain http for this server only if the network between you is yours.';
