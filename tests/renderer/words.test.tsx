// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { addressProblem } from '../../renderer/src/components/serverAddress';
import { rfbReason } from '../../renderer/src/vnc/reason';

describe('the VNC failure reason', () => {
  it('arrives as the UTF-8 it was sent in, though noVNC reads it byte by byte', () => {
    const sent = '“ridge-50” is starting';
    const asNoVncReadsIt = String.fromCharCode(...new TextEncoder().encode(sent));
    expect(asNoVncReadsIt).not.toBe(sent);
    expect(rfbReason(asNoVncReadsIt)).toBe(sent);
  });
  it('leaves plain ASCII and text that is not UTF-8 as it is', () => {
    expect(rfbReason('Authentication failed')).toBe('Authentication failed');
    expect(rfbReason('caf\u00e9')).toBe('caf\u00e9'); // a lone Latin-1 byte is not UTF-8
  });
});

describe('a server address', () => {
  it('is accepted with http or https', () => {
    expect(addressProblem('https://lab-server:7391')).toBeNull();
    expect(addressProblem(' http://127.0.0.1:7391/ ')).toBeNull();
  });
  it('is refused in words, never a raw URL error', () => {
    expect(addressProblem('')).toMatch(/^Enter the server’s address/);
    expect(addressProblem('lab-server:7391')).toBe('Start the address with http:// or https:// (for example https://lab-server:7391)');
    expect(addressProblem('ftp://files')).toBe('Only http:// and https:// servers can be added, not ftp://');
    expect(addressProblem('http://lab server')).toMatch(/is not a web address/);
  });
});
