/**
 * A viewer window asks main for its relay URL before its code has loaded (main.tsx), so main can
 * open and authenticate the computer's side meanwhile. The first connection takes it; later ones
 * ask afresh (each URL works once).
 */
import { orgo } from '../orgo';

let primed: { computerId: string; url: Promise<{ url: string }> } | null = null;

export function primeViewer(computerId: string): void {
  primed = { computerId, url: orgo.viewer.connect({ computerId }) };
  primed.url.catch(() => {});
}

export function relayUrl(computerId: string): Promise<{ url: string }> {
  const p = primed?.computerId === computerId ? primed.url : null;
  primed = null;
  return p ?? orgo.viewer.connect({ computerId });
}
