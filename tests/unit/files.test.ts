/** File names, ranges, link signatures and the confined path walk, without a host. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveInHome } from '../../host/files/home-path.js';
import { cleanName, contentTypeFor, numberedName } from '../../host/files/names.js';
import { LinkSigner } from '../../host/files/signed-urls.js';
import { parseRange } from '../../host/http/routes/downloads.js';

describe('names', () => {
  it.each([
    ['report.pdf', 1, 'report (1).pdf'],
    ['report.pdf', 12, 'report (12).pdf'],
    ['backup.tar.gz', 1, 'backup (1).tar.gz'],
    ['.bashrc', 2, '.bashrc (2)'],
    ['Makefile', 1, 'Makefile (1)'],
  ])('numbers %s as %s → %s', (name, n, want) => expect(numberedName(name, n)).toBe(want));

  it('keeps the last path part and drops control characters', () => {
    expect(cleanName('C:\\Users\\me\\notes.txt')).toBe('notes.txt');
    expect(cleanName('../../etc/passwd')).toBe('passwd');
    expect(cleanName('a\u0000b\nc.txt')).toBe('abc.txt');
    expect(() => cleanName('..')).toThrow(/needs a name/);
    expect(() => cleanName('')).toThrow(/needs a name/);
  });

  it('shortens names too long for a filesystem, keeping the extension', () => {
    const long = cleanName(`${'é'.repeat(200)}.pdf`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(240);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('guesses a type only when the client gave none', () => {
    expect(contentTypeFor('a.png', 'application/octet-stream')).toBe('image/png');
    expect(contentTypeFor('a.png', 'text/plain')).toBe('text/plain');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});

describe('ranges', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=900-', { start: 900, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
    ['bytes=9-3', null],
  ])('%s of 1000 bytes', (header, want) => expect(parseRange(header, 1000)).toEqual(want));
});

describe('download links', () => {
  const dir = mkdtempSync('/tmp/orgo-links-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verify with the same secret, across restarts, and only until they expire', () => {
    const signer = LinkSigner.forDataDir(dir);
    const { expires, sig } = signer.sign('file-1', 2_000);
    expect(LinkSigner.forDataDir(dir).check('file-1', expires, sig, 1_999)).toBe('ok');
    expect(signer.check('file-1', expires, sig, 2_001)).toBe('expired');
    expect(signer.check('file-2', expires, sig, 1_999)).toBe('invalid');
    expect(signer.check('file-1', '2001', sig, 1_999)).toBe('invalid');
    expect(signer.check('file-1', expires, undefined, 1_999)).toBe('invalid');
  });
});

describe('paths inside a computer\'s home', () => {
  const home = mkdtempSync('/tmp/orgo-home-');
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(`${home}/docs/deep`, { recursive: true });
  writeFileSync(`${home}/docs/deep/f.txt`, 'x');
  symlinkSync('loop-b', `${home}/loop-a`);
  symlinkSync('loop-a', `${home}/loop-b`);
  symlinkSync('docs/deep/../deep/f.txt', `${home}/winding`);
  symlinkSync('/home/user/docs', `${home}/docs-abs`);
  symlinkSync('/home/other', `${home}/sibling`);

  it.each([
    ['docs/deep/f.txt', '/home/user/docs/deep/f.txt'],
    ['/home/user/docs/../docs/deep/f.txt', '/home/user/docs/deep/f.txt'],
    ['/home/../home/user/winding', '/home/user/docs/deep/f.txt'],
    ['~/docs-abs/deep/f.txt', '/home/user/docs/deep/f.txt'],
  ])('%s resolves to %s', (path, want) => expect(resolveInHome(home, path).computerPath).toBe(want));

  it.each([
    ['/home/user/sibling', 403],
    ['/home/user/../other/x', 403],
    ['/tmp/x', 403],
    ['loop-a', 400],
    ['docs/deep/f.txt/more', 404],
  ])('%s is refused with %i', (path, status) => {
    expect(() => resolveInHome(home, path)).toThrow(expect.objectContaining({ status }));
  });
});
