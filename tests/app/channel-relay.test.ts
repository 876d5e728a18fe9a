/**
 * The live-channel relay (terminal, events, audio through main) against a real host and real
 * desktops: a terminal echo through the loopback URL, a restart's 4409 and the rotated password
 * (a new ticket works again), a stopped computer's 4409, one-time URLs, no relay left after the
 * renderer's socket closes, and the browser-mode upload endpoint's ticket.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useAppWithComputer } from '../helpers/app-computer.js';
import { ChannelClient, refusal } from '../helpers/channels.js';
import { eventually } from '../helpers/host.js';

const fx = useAppWithComputer({ workspace: 'channels', computer: 'chan-1', listen: (s) => s.gate.listen() });

const open = (channel: 'terminal' | 'events' | 'audio', params: Record<string, number> = {}) => new ChannelClient(new WebSocket(fx.app.services.channels.ticket(fx.computer.id, channel, params)));

describe('channel relay', () => {
  it('relays a terminal: typed input comes back as the shell output, with no password in the URL', async () => {
    const url = fx.app.services.channels.ticket(fx.computer.id, 'terminal', { cols: 100, rows: 30 });
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ch\/[A-Za-z0-9_-]{32}$/);
    expect(url).not.toContain(fx.computer.vnc_password);
    const term = new ChannelClient(new WebSocket(url));
    // Sent as soon as the loopback side opens, before the computer's side is: kept and delivered in order.
    await term.opened;
    term.send({ type: 'input', data: 'stty size; echo relay-$((6*7))\r' });
    await term.until(() => /relay-42/.test(term.output()) && /30 100/.test(term.output()), 15_000, 'echo through the relay');
    expect(fx.app.services.channels.counts()).toEqual({ relays: 1, upstream: 1 });
    term.close();
    await term.closed;
    await eventually(() => fx.app.services.channels.counts(), (c) => c.relays === 0 && c.upstream === 0, 5000, 'no relay left');
  });

  it('serves VNC and channels through one gate, one port, and a ticket opens only its own kind', async () => {
    const ch = new URL(fx.app.services.channels.ticket(fx.computer.id, 'events'));
    const vnc = new URL(fx.app.services.relay.ticket(fx.computer.id));
    expect(vnc.host).toBe(ch.host);
    // A channel ticket presented as a VNC one (and the reverse) is refused, and used up.
    const swapped = (u: URL, kind: string) => `ws://${u.host}/${kind}/${u.pathname.split('/')[2]}`;
    expect(await refusal(swapped(ch, 'vnc'))).toEqual({ code: -1, httpStatus: 403 });
    expect(await refusal(swapped(vnc, 'ch'))).toEqual({ code: -1, httpStatus: 403 });
    expect(await refusal(ch.toString())).toEqual({ code: -1, httpStatus: 403 });
  });

  it('uses each URL once', async () => {
    const url = fx.app.services.channels.ticket(fx.computer.id, 'events');
    const first = new ChannelClient(new WebSocket(url));
    await first.opened;
    expect(await refusal(url)).toEqual({ code: -1, httpStatus: 403 });
    first.close();
  });

  it('passes a restart on as 4409, and a new ticket connects with the rotated password', async () => {
    const term = open('terminal');
    await term.opened;
    await term.until(() => /[$#] $/.test(term.output()), 15_000, 'prompt');
    const before = (await fx.t.client.getComputer(fx.computer.id)).vnc_password;
    await fx.t.client.restartComputer(fx.computer.id);
    const closed = await term.closed;
    expect(closed.code).toBe(4409);
    expect((await fx.t.client.getComputer(fx.computer.id)).vnc_password).not.toBe(before);
    const again = open('terminal');
    await again.opened;
    again.send({ type: 'input', data: 'echo back-$((2+3))\r' });
    await again.until(() => /back-5/.test(again.output()), 15_000, 'echo after restart');
    again.close();
  });

  it('closes with 4409 and words for a stopped computer', async () => {
    await fx.t.client.stopComputer(fx.computer.id);
    const c = open('events');
    expect(await c.closed).toEqual({ code: 4409, reason: '“chan-1” is stopped' });
    await fx.t.client.startComputer(fx.computer.id);
    await eventually(() => fx.app.services.channels.counts(), (n) => n.relays === 0, 5000, 'no relay left');
  });

  it('relays events: subscribe, then a file written on the desktop arrives', async () => {
    const ev = open('events');
    await ev.opened;
    ev.send({ type: 'subscribe', event_types: ['file_change'] });
    await ev.until(() => ev.messages('subscribed')[0], 15_000, 'subscribed');
    await fx.t.client.bash(fx.computer.id, 'echo hi > ~/relay-event.txt');
    await ev.until(() => ev.messages('file_change').find((m) => String((m.data as { path: string }).path).endsWith('relay-event.txt')), 15_000, 'file_change');
    ev.close();
  });

  it('hands out upload tickets once', async () => {
    const path = fx.app.services.files.ticket(fx.computer.id);
    expect(path).toMatch(/^\/upload\/[A-Za-z0-9_-]{32}$/);
  });
});
