/** Which calls take `orgo`'s hot path (cli/hot.ts); everything else must reach the full program. */
import { describe, expect, it } from 'vitest';
import { hotCall } from '../../cli/hot.js';

describe('hotCall', () => {
  it('takes the plain spellings of computers list as JSON', () => {
    for (const argv of [['computers', 'list', '--json'], ['c', 'ls', '--json'], ['--json', 'c', 'list'], ['c', '--json', 'ls']]) {
      expect(hotCall(argv, {}), argv.join(' ')).toEqual({ command: 'computers list', profile: undefined });
    }
    expect(hotCall(['c', 'ls'], { ORGO_JSON: '1' })).toEqual({ command: 'computers list', profile: undefined });
    expect(hotCall(['c', 'ls', '--json', '--profile', 'lab'], {})).toEqual({ command: 'computers list', profile: 'lab' });
    expect(hotCall(['--profile=Orgo cloud', 'c', 'ls', '--json'], {})).toEqual({ command: 'computers list', profile: 'Orgo cloud' });
  });

  it('leaves everything else to the full program', () => {
    for (const argv of [
      ['computers', 'list'], // a table for people
      ['c', 'ls', '--json', '--workspace', 'lab'],
      ['c', 'ls', '--json', '-w', 'lab'],
      ['c', 'ls', '--json', '--help'],
      ['c', 'ls', '--json', 'extra'],
      ['c', 'ls', '--json', '--profile'],
      ['c', 'ls', '--profile', '--json'],
      ['ws', 'list', '--json'],
      ['computers', '--json'],
      ['--json'],
      [],
    ]) {
      expect(hotCall(argv, {}), argv.join(' ')).toBeNull();
    }
    expect(hotCall(['c', 'ls'], { ORGO_JSON: '0' })).toBeNull();
  });
});
