import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { obfuscateVncPassword, vncAuthResponse } from '../../shared/node/vnc-password.js';

describe('VNC password file', () => {
  it('matches what TigerVNC\'s own vncpasswd -f writes', async () => {
    for (const pw of ['JsfPqrrXgKQv2awj', 'abc', 'exactly8']) {
      const theirs = execFileSync('vncpasswd', ['-f'], { input: pw + '\n' });
      expect((await obfuscateVncPassword(pw)).toString('hex')).toBe(theirs.toString('hex'));
    }
  });

  it('answers a challenge by the first 8 characters only, as VNC does', async () => {
    const challenge = Buffer.alloc(16, 7);
    const a = await vncAuthResponse('secret-a', challenge);
    const b = await vncAuthResponse('secret-b', challenge);
    expect(a).toHaveLength(16);
    expect(a.equals(b)).toBe(false);
    // Why the websocket token (the whole password) is the real gate:
    expect((await vncAuthResponse('secret-a-one', challenge)).equals(await vncAuthResponse('secret-a-two', challenge))).toBe(true);
  });
});
