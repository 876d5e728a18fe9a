/**
 * VNC's password file format (what `vncpasswd -f` writes): the password, cut or padded to 8
 * bytes, DES-encrypted under a fixed key. VNC's DES mirrors the key bits, which noVNC's own DES
 * already does, so we use that one rather than a second copy.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const FIXED_KEY = [23, 82, 107, 6, 35, 78, 88, 7];

interface DesCipher {
  encrypt(algorithm: unknown, plaintext: Uint8Array): Uint8Array;
}
type DesModule = { DESECBCipher: { importKey(key: number[] | Uint8Array): DesCipher } };

let des: Promise<DesModule> | undefined;

function loadDes(): Promise<DesModule> {
  // noVNC's package exports only core/rfb.js; its DES sits beside it.
  des ??= (async () => {
    const rfb = createRequire(import.meta.url).resolve('@novnc/novnc');
    return (await import(pathToFileURL(join(dirname(rfb), 'crypto', 'des.js')).href)) as DesModule;
  })();
  return des;
}

function pad8(password: string): Uint8Array {
  const out = new Uint8Array(8);
  const bytes = Buffer.from(password, 'latin1');
  out.set(bytes.subarray(0, 8));
  return out;
}

export async function obfuscateVncPassword(password: string): Promise<Buffer> {
  const { DESECBCipher } = await loadDes();
  return Buffer.from(DESECBCipher.importKey(FIXED_KEY).encrypt(null, pad8(password)));
}

/** The answer to a VNC authentication challenge (RFB 6.2.2), for clients in tests and relays. */
export async function vncAuthResponse(password: string, challenge: Uint8Array): Promise<Buffer> {
  const { DESECBCipher } = await loadDes();
  return Buffer.from(DESECBCipher.importKey(Array.from(pad8(password))).encrypt(null, challenge));
}
