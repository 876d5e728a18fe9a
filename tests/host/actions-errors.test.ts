/** Every 400 of the actions, with the field it names; a computer that is not running; unknown ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Computer } from '../../shared/api/types.js';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let pc: Computer;
let stopped: Computer;

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('errors');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'errors' });
  stopped = await t.client.createComputer({ workspace_id: ws.id, name: 'stopped' });
  await t.client.stopComputer(stopped.id);
});
afterAll(() => t?.close());

const post = (action: string, body: unknown, id = pc.id) => call(t, 'POST', `/computers/${id}/${action}`, body);

describe('bad requests answer 400 naming the field', () => {
  it.each([
    ['click', {}, /^x is required$/],
    ['click', { x: 10 }, /^y is required$/],
    ['click', { x: '10', y: 10 }, /^x must be a number of pixels$/],
    ['click', { x: -1, y: 10 }, /^x must be 0 or more$/],
    ['click', { x: 1280, y: 10 }, /^x must be between 0 and 1279 \(the screen is 1280x720\)$/],
    ['click', { x: 10, y: 720 }, /^y must be between 0 and 719 \(the screen is 1280x720\)$/],
    ['click', { x: 10, y: 10, button: 'back' }, /^button must be "left", "right" or "middle"$/],
    ['click', { x: 10, y: 10, double: 'yes' }, /^double must be true or false$/],
    ['drag', { start_x: 1, start_y: 1, end_x: 5 }, /^end_y is required$/],
    ['drag', { start_x: 1, start_y: 1, end_x: 5000, end_y: 5 }, /^end_x must be between 0 and 1279/],
    ['drag', { start_x: 1, start_y: 1, end_x: 5, end_y: 5, duration: 61 }, /^duration must be at most 60 seconds$/],
    ['type', {}, /^text is required$/],
    ['type', { text: 5 }, /^text must be a string$/],
    ['type', { text: '' }, /^text must not be empty$/],
    ['key', {}, /^key is required$/],
    ['key', { key: ['ctrl', 'c'] }, /^key must be a string/],
    ['key', { key: ' ' }, /^key must not be empty/],
    ['scroll', {}, /^direction is required$/],
    ['scroll', { direction: 'sideways' }, /^direction must be "up", "down", "left" or "right"$/],
    ['scroll', { direction: 'up', amount: 0 }, /^amount must be at least 1$/],
    ['scroll', { direction: 'up', amount: 2.5 }, /^amount must be a whole number of notches$/],
    ['scroll', { direction: 'up', x: 10 }, /^x and y go together: give both or neither$/],
    ['scroll', { direction: 'up', x: 10, y: 900 }, /^y must be between 0 and 719/],
    ['wait', {}, /^seconds is required$/],
    ['wait', { seconds: 61 }, /^seconds must be between 0 and 60$/],
    ['wait', { duration: -1 }, /^duration must be between 0 and 60$/],
    ['wait', { duration: 'soon' }, /^duration must be a number between 0 and 60$/],
    ['wait', { seconds: 'soon' }, /^seconds must be a number between 0 and 60$/],
    ['bash', {}, /^command is required$/],
    ['bash', { command: 'true', timeout: 0 }, /^timeout must be more than 0$/],
    ['exec', { code: 7 }, /^code must be a string$/],
  ])('%s %j', async (action, body, message) => {
    const r = await post(action, body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
    expect(r.body.request_id).toMatch(/^req_/);
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const body of ['[1,2]', '"text"', '{"x": ']) {
      const r = await post('click', body);
      expect(r.status).toBe(400);
      expect(String(r.body.error)).toMatch(/JSON/);
    }
  });

  it('names an unknown key and lists valid ones', async () => {
    const r = await post('key', { key: 'ctrl+shift+bogus' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('unknown_key');
    expect(r.body.error).toMatch(/^Unknown key "bogus" in "ctrl\+shift\+bogus"\. Key names are xdotool-style and case-insensitive, for example: Enter, Tab, Escape, BackSpace/);
    expect(r.body.error).toMatch(/ctrl\+c, ctrl\+shift\+t, alt\+F4, super/);
  });

  it('refuses bad screenshot options', async () => {
    const gif = await call(t, 'GET', `/computers/${pc.id}/screenshot?format=gif`);
    expect(gif.status).toBe(400);
    expect(gif.body.error).toBe('format must be "png" or "jpeg"');
    const q = await call(t, 'GET', `/computers/${pc.id}/screenshot?format=jpeg&quality=0`);
    expect(q.status).toBe(400);
    expect(q.body.error).toBe('quality must be from 1 to 100');
  });

  it('did nothing for a refused action: the pointer stayed where it was', async () => {
    await t.client.click(pc.id, 100, 100);
    expect((await post('click', { x: 2000, y: 10 })).status).toBe(400);
    expect((await t.client.bash(pc.id, 'xdotool getmouselocation --shell | head -2')).output).toBe('X=100\nY=100\n');
  });
});

describe('a computer that is not running', () => {
  it.each([
    ['POST', 'click', { x: 1, y: 1 }],
    ['POST', 'drag', { start_x: 1, start_y: 1, end_x: 2, end_y: 2 }],
    ['POST', 'type', { text: 'a' }],
    ['POST', 'key', { key: 'Enter' }],
    ['POST', 'scroll', { direction: 'down' }],
    ['POST', 'wait', { seconds: 0 }],
    ['POST', 'bash', { command: 'true' }],
    ['POST', 'exec', { code: 'pass' }],
    ['GET', 'screenshot', undefined],
  ])('%s %s answers 400 Desktop instance not available', async (method, action, body) => {
    const r = await call(t, method, `/computers/${stopped.id}/${action}`, body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'Desktop instance not available', code: 'desktop_not_running' });
  });

  it('answers 404 for an unknown computer', async () => {
    const r = await post('click', { x: 1, y: 1 }, 'no-such-computer');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('Computer not found');
  });

  it('fails the actions still queued when the computer stops, and works again after start', async () => {
    const queued = [t.client.wait(stopped.id, 0).catch((e) => e)];
    expect((await queued[0]).status).toBe(400);
    await t.client.startComputer(stopped.id);
    const waiting = t.client.wait(stopped.id, 1);
    await new Promise((r) => setTimeout(r, 100));
    const behind = call(t, 'POST', `/computers/${stopped.id}/click`, { x: 5, y: 5 });
    await t.client.stopComputer(stopped.id);
    await waiting.catch(() => {});
    const r = await behind;
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('Desktop instance not available');
  });
});
