/** The channel message schemas the host parses with and the app reuses. */
import { describe, expect, it } from 'vitest';
import {
  audioFrameBytes,
  audioQuery,
  channelUrl,
  eventsClientMessage,
  eventsServerMessage,
  terminalClientMessage,
  terminalQuery,
  terminalServerMessage,
} from '../../shared/api/channels.js';
import { firstIssue } from '../../shared/api/schemas.js';

describe('channel URLs', () => {
  it('turn a connection_url into ws(s) URLs with the query', () => {
    expect(channelUrl('http://127.0.0.1:7391/desktops/abc', 'terminal', { token: 'p w', cols: 80, rows: undefined })).toBe('ws://127.0.0.1:7391/desktops/abc/ws/terminal?token=p+w&cols=80');
    expect(channelUrl('https://www.orgo.ai/desktops/abc/', 'audio')).toBe('wss://www.orgo.ai/desktops/abc/ws/audio');
  });
});

describe('terminal messages', () => {
  it('default the size to 80x24 and refuse sizes out of range', () => {
    expect(terminalQuery.parse({})).toEqual({ cols: 80, rows: 24 });
    expect(terminalQuery.parse({ cols: '120', rows: '40' })).toEqual({ cols: 120, rows: 40 });
    const r = terminalQuery.safeParse({ cols: '0' });
    expect(r.success || firstIssue(r.error)).toMatch(/cols must be at least 1/);
  });

  it('parse input, resize and ping, and nothing else', () => {
    expect(terminalClientMessage.parse({ type: 'input', data: 'ls\r' })).toEqual({ type: 'input', data: 'ls\r' });
    expect(terminalClientMessage.safeParse({ type: 'resize', cols: 1.5, rows: 2 }).success).toBe(false);
    expect(terminalClientMessage.safeParse({ type: 'input' }).success).toBe(false);
    expect(terminalServerMessage.parse({ type: 'exit', code: 0 })).toEqual({ type: 'exit', code: 0 });
  });
});

describe('events messages', () => {
  it('name an unknown event type', () => {
    const r = eventsClientMessage.safeParse({ type: 'subscribe', event_types: ['window_open', 'nope'] });
    expect(r.success || firstIssue(r.error)).toMatch(/unknown event type "nope"/);
    expect(eventsClientMessage.parse({ type: 'subscribe', event_types: [], idle_threshold_seconds: 5 })).toMatchObject({ idle_threshold_seconds: 5 });
  });

  it('read events with an ISO or numeric timestamp', () => {
    expect(eventsServerMessage.parse({ type: 'file_change', timestamp: '2026-01-01T00:00:00.000Z', data: { path: '/home/user/a' } })).toMatchObject({ type: 'file_change' });
    expect(eventsServerMessage.parse({ type: 'idle', timestamp: 1767225600 })).toMatchObject({ data: {} });
    expect(eventsServerMessage.safeParse({ type: 'keylogger', timestamp: 1, data: {} }).success).toBe(false);
  });
});

describe('audio', () => {
  it('has 20 ms frames of 960 bytes at 24 kHz mono, 3840 at 48 kHz stereo', () => {
    expect(audioFrameBytes(24000, 1)).toBe(960);
    expect(audioFrameBytes(48000, 2)).toBe(3840);
    expect(audioQuery.parse({})).toEqual({ sample_rate: 24000, channels: 1 });
    expect(audioQuery.safeParse({ sample_rate: '11025' }).success).toBe(false);
  });
});
