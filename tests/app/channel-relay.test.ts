/**
 * The live-channel relay (terminal, events, audio through main) against a real host and real
 * desktops: a terminal echo through the loopback URL, a restart's 4409 and the rotated password
 * (a new ticket works again), a stopped computer's 4409, one-time URLs, no relay left after the
 * renderer's socket closes, and the browser-mode upload endpoint's ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ChannelClient, refusal } from '../helpers/channels.js';
import { eventually, startTestHost, type TestHost } from '../helpers/host.js';
import type { Computer } from '../../shared/api/types.js';

let t: TestHost;
let app: TestApp;
let computer: Computer;

beforeAll(async () => {
  t = await startTestHost();
  app = startTestApp({ host: t });
  await app.services.channels.listen();
  const ws = await t.client.createWorkspace('channels');
  computer = await t.client.createComputer({ workspace_id: ws.id, name: 'chan-1' });
});
afterAll(async () => {
  app?.close();
  await t?.close();
});

const open = (channel: 'terminal' | 'events' | 'audio', params: Record<string, number> = {}) => new ChannelClient(new WebSocket(app.services.channels.ticket(computer.id, channel, params)));

describe('channel relay', () => {
  it('relays a terminal: typed input comes back as the shell output, with no password in the URL', async () => {
    const url = app.services.channels.ticket(computer.id, 'terminal', { cols: 100, rows: 30 });
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ch\/[A-Za-z0-9_-]{32}$/);
    expect(url).not.toContain(computer.vnc_password);
    const term = new ChannelClient(new WebSocket(url));
    // Sent as soon as the loopback side opens, before the computer's side is: kept and delivered in order.
    await term.opened;
    term.send({ type: 'input', data: 'stty size; echo relay-$((6*7))\r' });
    await term.until(() => /relay-42/.test(term.output()) && /30 100/.test(term.output()), 15_000, 'echo through the relay');
    expect(app.services.channels.counts()).toEqual({ relays: 1, upstream: 1 });
    term.close();
    await term.closed;
    await eventually(() => app.services.channels.counts(), (c) => c.relays === 0 && c.upstream === 0, 5000, 'no relay left');
  });

  it('uses each URL once', async () => {
    const url = app.services.channels.ticket(computer.id, 'events');
    const first = new ChannelClient(new WebSocket(url));
    await first.opened;
    expect(await refusal(url)).toEqual({ code: -1, httpStatus: 403 });
    first.close();
  });

  it('passes a restart on as 4409, and a new ticket connects with the rotated password', async () => {
    const term = open('terminal');
    await term.opened;
    await term.until(() => /[$#] $/.test(term.output()), 15_000, 'prompt');
    const before = (await t.client.getComputer(computer.id)).vnc_password;
    await t.client.restartComputer(computer.id);
    const closed = await term.closed;
    expect(closed.code).toBe(4409);
    expect((await t.client.getComputer(computer.id)).vnc_password).not.toBe(before);
    const again = open('terminal');
    await again.opened;
    again.send({ type: 'input', data: 'echo back-$((2+3))\r' });
    await again.until(() => /back-5/.test(again.output()), 15_000, 'echo after restart');
    again.close();
  });

  it('closes with 4409 and words for a stopped computer', async () => {
    await t.client.stopComputer(computer.id);
    const c = open('events');
    expect(await c.closed).toEqual({ code: 4409, reason: '“chan-1” is stopped' });
    await t.client.startComputer(computer.id);
    await eventually(() => app.services.channels.counts(), (n) => n.relays === 0, 5000, 'no relay left');
  });

  it('relays events: subscribe, then a file written on the desktop arrives', async () => {
    const ev = open('events');
    await ev.opened;
    ev.send({ type: 'subscribe', event_types: ['file_change'] });
    await ev.until(() => ev.messages('subscribed')[0], 15_000, 'subscribed');
    await t.client.bash(computer.id, 'echo hi > ~/relay-event.txt');
    await ev.until(() => ev.messages('file_change').find((m) => String((m.data as { path: string }).path).endsWith('relay-event.txt')), 15_000, 'file_change');
    ev.close();
  });

  it('hands out upload tickets once', async () => {
    const path = app.services.files.ticket(computer.id);
    expect(path).toMatch(/^\/upload\/[A-Za-z0-9_-]{32}$/);
  });
});
