/**
 * The events websocket on a real desktop: each type from its real source (the window manager's
 * properties, the X clipboard, inotify, the process table, PulseAudio, the X server's idle
 * time, X damage), only what was subscribed, and nothing before a subscribe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../../shared/api/channels.js';
import type { Computer } from '../../shared/api/types.js';
import { openChannel, type ChannelClient } from '../helpers/channels.js';
import { call, startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let pc: Computer;
const sockets: ChannelClient[] = [];

beforeAll(async () => {
  t = await startTestHost();
  const ws = await t.client.createWorkspace('events');
  pc = await t.client.createComputer({ workspace_id: ws.id, name: 'Events' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

async function subscribe(types: EventType[], extra: Record<string, unknown> = {}): Promise<ChannelClient> {
  const s = openChannel(pc, 'events');
  sockets.push(s);
  await s.opened;
  s.send({ type: 'subscribe', event_types: types, ...extra });
  await s.until(() => s.messages('subscribed')[0], 10_000, 'subscribed');
  return s;
}

type Ev = { type: string; timestamp: string; data: Record<string, unknown> };
const events = (s: ChannelClient, type?: string) => s.messages().filter((m) => m.type !== 'subscribed' && (!type || m.type === type)) as unknown as Ev[];
const find = (s: ChannelClient, type: string, match: (d: Record<string, unknown>) => boolean, what = type) =>
  s.until(() => events(s, type).find((e) => match(e.data)), 15_000, what);
const sh = (command: string) => t.client.bash(pc.id, command, 30);
/** Starts a program on the desktop without waiting for it. */
const launch = (command: string) => sh(`setsid ${command} >/dev/null 2>&1 < /dev/null &`);

describe('events catalog', () => {
  it('lists the thirteen event types (oom_kill among them) with what each means', async () => {
    const cat = await t.client.eventCatalog(pc.id);
    expect(cat.event_types).toEqual([...EVENT_TYPES]);
    expect(cat.catalog).toHaveLength(13);
    for (const c of cat.catalog) expect(c.description.length).toBeGreaterThan(10);
    expect((await call(t, 'GET', '/computers/nope/events')).status).toBe(404);
  });
});

describe('events websocket', () => {
  it('sends nothing before a subscribe, and answers subscribe with `subscribed`', async () => {
    const s = openChannel(pc, 'events');
    sockets.push(s);
    await s.opened;
    await sh('echo quiet > ~/quiet.txt; sleep 0.3');
    await new Promise((r) => setTimeout(r, 500));
    expect(s.received).toHaveLength(0);
    s.send({ type: 'subscribe', event_types: ['file_change'] });
    const ack = await s.until(() => s.messages('subscribed')[0]);
    expect(ack).toEqual({ type: 'subscribed', event_types: ['file_change'], idle_threshold_seconds: 60 });
  });

  it('reports windows opening, taking focus and closing', async () => {
    const s = await subscribe(['window_open', 'window_focus', 'window_close']);
    // `-e sleep`: a shell in the xterm would set its own title.
    await launch('xterm -T first-window -e sleep 60');
    const first = await find(s, 'window_open', (d) => d.title === 'first-window');
    expect(first.data).toMatchObject({ app: 'XTerm', window_id: expect.any(Number), pid: expect.any(Number) });
    await launch('xterm -T second-window -e sleep 60');
    await find(s, 'window_open', (d) => d.title === 'second-window');
    await find(s, 'window_focus', (d) => d.title === 'second-window', 'focus on the new window');
    await sh('xdotool search --name "^first-window$" windowactivate --sync');
    const focus = await find(s, 'window_focus', (d) => d.title === 'first-window', 'focus back on the first window');
    expect(focus.data.window_id).toBe(first.data.window_id);
    await sh('pkill -f "xterm -T first-window"');
    const closed = await find(s, 'window_close', (d) => d.title === 'first-window');
    expect(closed.data.window_id).toBe(first.data.window_id);
    expect(Date.parse(closed.timestamp)).toBeGreaterThan(Date.parse(first.timestamp));
    await sh('pkill -f "xterm -T second-window"; true');
  });

  it('reports files created, written, moved and deleted under /home/user', async () => {
    const s = await subscribe(['file_change']);
    await sh('mkdir -p ~/Documents/ev/deep && echo one > ~/Documents/ev/deep/a.txt');
    await find(s, 'file_change', (d) => d.path === '/home/user/Documents/ev' && d.action === 'created' && d.is_dir === true);
    // Created inside a folder that had no watch yet: still reported.
    await find(s, 'file_change', (d) => d.path === '/home/user/Documents/ev/deep/a.txt' && d.action === 'created');
    await sh('echo two >> ~/Documents/ev/deep/a.txt');
    await find(s, 'file_change', (d) => d.path === '/home/user/Documents/ev/deep/a.txt' && d.action === 'modified');
    await sh('mv ~/Documents/ev/deep/a.txt ~/Documents/ev/b.txt && rm ~/Documents/ev/b.txt');
    const moved = await find(s, 'file_change', (d) => d.action === 'moved_to' && d.path === '/home/user/Documents/ev/b.txt');
    expect(moved.data.from).toBe('/home/user/Documents/ev/deep/a.txt');
    await find(s, 'file_change', (d) => d.path === '/home/user/Documents/ev/b.txt' && d.action === 'deleted');
  });

  it('reports a process starting and ending', async () => {
    const s = await subscribe(['process_start', 'process_stop']);
    await sh('sleep 1.37');
    const started = await find(s, 'process_start', (d) => d.command === 'sleep 1.37');
    expect(started.data).toMatchObject({ name: 'sleep', uid: 1000, pid: expect.any(Number) });
    const stopped = await find(s, 'process_stop', (d) => d.pid === started.data.pid);
    expect(stopped.data.command).toBe('sleep 1.37');
  });

  it('reports the clipboard changing, with its text', async () => {
    const s = await subscribe(['clipboard']);
    await sh("printf 'clip ünïcödé 📋' | xclip -selection clipboard");
    const e = await find(s, 'clipboard', (d) => d.text === 'clip ünïcödé 📋');
    expect(e.data).toMatchObject({ selection: 'clipboard', truncated: false });
  });

  it('reports sound starting and stopping', async () => {
    const s = await subscribe(['audio_stream_start', 'audio_stream_stop']);
    await sh('python3 -c "import sys; sys.stdout.buffer.write(bytes(48000))" | pacat --format=s16le --rate=24000 --channels=1 --client-name=beeper');
    const start = await find(s, 'audio_stream_start', (d) => d.application === 'beeper');
    const stop = await find(s, 'audio_stream_stop', (d) => d.stream_id === start.data.stream_id);
    expect(stop.data.application).toBe('beeper');
  });

  it('reports idle after the subscription’s threshold, and active on input', async () => {
    const s = await subscribe(['idle', 'active'], { idle_threshold_seconds: 1 });
    expect(s.messages('subscribed')[0]?.idle_threshold_seconds).toBe(1);
    const idle = await find(s, 'idle', () => true);
    expect(idle.data.threshold_seconds).toBe(1);
    expect(idle.data.idle_seconds as number).toBeGreaterThanOrEqual(1);
    await sh('xdotool mousemove 200 200 mousemove 220 230');
    const active = await find(s, 'active', () => true);
    expect(active.data.idle_seconds as number).toBeGreaterThanOrEqual(1);
    // And idle again once input stops, a threshold later.
    await s.until(() => events(s, 'idle').length >= 2, 5000, 'second idle');
  });

  it('reports screen changes, at most four a second', async () => {
    const s = await subscribe(['screen_change']);
    const t0 = performance.now();
    await sh('for i in $(seq 30); do xsetroot -solid "#$(printf %02x%02x%02x $i $((i*3)) $((i*5)))"; sleep 0.05; done');
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 400));
    const changes = events(s, 'screen_change');
    expect(changes.length).toBeGreaterThanOrEqual(3);
    expect(changes.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
    expect(changes.some((e) => e.data.width === pc.resolution.split('x').map(Number)[0])).toBe(true);
  });

  it('delivers only the subscribed types, to each subscriber its own', async () => {
    const files = await subscribe(['file_change']);
    const procs = await subscribe(['process_start']);
    await launch('xterm -T noise-window -e sleep 60');
    await sh("printf noise | xclip -selection clipboard; sleep 0.5; echo x > ~/only-files.txt; xdotool mousemove 5 5; pkill -f 'xterm -T noise-window'");
    await find(files, 'file_change', (d) => d.path === '/home/user/only-files.txt');
    await find(procs, 'process_start', (d) => d.name === 'xterm');
    await new Promise((r) => setTimeout(r, 1000));
    expect(new Set(events(files).map((e) => e.type))).toEqual(new Set(['file_change']));
    expect(new Set(events(procs).map((e) => e.type))).toEqual(new Set(['process_start']));
  });

  it('stops delivering after unsubscribe', async () => {
    const s = await subscribe(['file_change']);
    s.send({ type: 'unsubscribe' });
    await s.until(() => s.messages('subscribed')[1], 5000, 'second subscribed');
    expect(s.messages('subscribed')[1]?.event_types).toEqual([]);
    await sh('echo y > ~/after-unsubscribe.txt; sleep 0.5');
    await new Promise((r) => setTimeout(r, 500));
    expect(events(s)).toHaveLength(0);
  });

  it('answers ping, and names an unknown event type', async () => {
    const s = openChannel(pc, 'events');
    sockets.push(s);
    await s.opened;
    s.send({ type: 'ping' });
    await s.until(() => s.messages('pong')[0]);
    s.send({ type: 'subscribe', event_types: ['window_open', 'keylogger'] });
    const err = await s.until(() => s.messages('error')[0]);
    expect(err.message).toMatch(/keylogger/);
    expect(s.messages('subscribed')).toHaveLength(0);
  });
});
