/** Which failures mean "the host does not answer" (and which are answers), and the history's words. */
import { describe, expect, it } from 'vitest';
import { HostHealth, unreachable } from '../../app/host-health.js';
import { OrgoApiError } from '../../shared/api/client.js';

const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

describe('unreachable', () => {
  it('counts no answer, a timeout and a bare proxy gateway error as down', () => {
    expect(unreachable(refused)).toBe('nothing answers at that address (connection refused)');
    expect(unreachable(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe('a request got no answer in time');
    expect(unreachable(new OrgoApiError(502, { error: 'Bad Gateway' }))).toBe('its address answers 502 (Bad Gateway)');
  });

  it('does not count an answer from the host itself', () => {
    expect(unreachable(new OrgoApiError(401, { error: 'Invalid API key' }))).toBeNull();
    expect(unreachable(new OrgoApiError(500, { error: 'boom' }))).toBeNull();
    // The host's own 503 (a desktop it cannot reach) carries a code: the host is up.
    expect(unreachable(new OrgoApiError(503, { error: 'Could not reach the desktop', code: 'desktop_unreachable' }))).toBeNull();
    expect(unreachable(new Error('Not signed in'))).toBeNull();
  });
});

describe('HostHealth', () => {
  it('records one outage once, with how long it lasted, and forgets it on a profile switch', () => {
    const h = new HostHealth();
    expect(h.answered(1000)).toBe(false);
    expect(h.noAnswer('refused', false, 'http://h:1', 10_000)).toBe(true);
    expect(h.noAnswer('reset', false, 'http://h:1', 12_000)).toBe(false);
    expect(h.down).toMatchObject({ since: 10_000, message: 'reset', builtIn: false });
    expect(h.answered(17_400)).toBe(true);
    expect(h.down).toBeNull();
    expect(h.events.map((e) => e.kind)).toEqual(['down', 'back']);
    expect(h.events[1]!.text).toBe('The host answers again (it did not answer for 7 s); its computers are as the list shows');
    h.reset();
    expect(h.events).toEqual([]);
  });

  it('says when the built-in host could not be restarted, and keeps only recent history', () => {
    const h = new HostHealth();
    h.noAnswer('refused', true, 'http://127.0.0.1:7391', 0);
    h.restarting(true);
    expect(h.down?.restarting).toBe(true);
    h.restartFailed('Port 7391 is taken by another program', 5);
    expect(h.down).toMatchObject({ restarting: false, message: 'Port 7391 is taken by another program' });
    for (let i = 0; i < 30; i++) {
      h.answered(100 + i);
      h.noAnswer('x', true, 'u', 200 + i);
    }
    expect(h.events.length).toBe(20);
  });
});
