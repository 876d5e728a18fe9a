/**
 * The computer's event stream (all twelve types) through main's relay, kept as a bounded list
 * for the activity panel; desktop notifications for the types the person picked; and the
 * desktop's clipboard, which the viewer syncs into this machine's clipboard when asked.
 */
import { useEffect, useRef, useState } from 'react';
import { EVENT_TYPES, type DesktopEvent, type EventType } from '../../../shared/api/channels';
import { useChannel } from './useChannel';

const KEEP = 500;

export interface Received {
  seq: number;
  event: DesktopEvent;
}

function stored(key: string): Set<EventType> {
  try {
    return new Set((JSON.parse(localStorage.getItem(key) ?? '[]') as EventType[]).filter((t) => EVENT_TYPES.includes(t)));
  } catch {
    return new Set();
  }
}

/** One line about an event, for the list and for notifications; `whole` keeps long texts whole (a hover). */
export function describeEvent(e: DesktopEvent, whole = false): string {
  const cut = (s: string, n: number) => (whole ? s : s.slice(0, n));
  switch (e.type) {
    case 'window_focus':
    case 'window_open':
    case 'window_close':
      return `${e.data.app || 'window'} — ${e.data.title || `#${e.data.window_id}`}`;
    case 'clipboard':
      return e.data.text !== undefined ? JSON.stringify(cut(e.data.text, 120)) : 'changed';
    case 'file_change':
      return e.data.action === 'overflow' ? `${e.data.dropped ?? 'some'} changes not shown` : `${e.data.action} ${e.data.path}`;
    case 'screen_change':
      return `${e.data.width}×${e.data.height} at ${e.data.x},${e.data.y}`;
    case 'audio_stream_start':
    case 'audio_stream_stop':
      return `${e.data.application || 'stream'} (${e.data.sample_spec})`;
    case 'process_start':
    case 'process_stop':
      return `${e.data.name} [${e.data.pid}] ${cut(e.data.command, 120)}`;
    case 'idle':
      return `no input for ${Math.round(e.data.idle_seconds)} s`;
    case 'active':
      return `input after ${Math.round(e.data.idle_seconds)} s idle`;
    case 'oom_kill':
      return `out of memory (${e.data.mem_gb} GB): ${e.data.process} killed${e.data.rss_mb !== null ? ` at ${e.data.rss_mb} MB` : ''}`;
  }
}

export function useDesktopEvents(computerId: string, running: boolean, onClipboard: (text: string) => void) {
  const [events, setEvents] = useState<Received[]>([]);
  const [notify, setNotifyState] = useState<Set<EventType>>(() => stored('activity.notify'));
  const notifyRef = useRef(notify);
  notifyRef.current = notify;
  const clipRef = useRef(onClipboard);
  clipRef.current = onClipboard;
  const seq = useRef(0);
  const pending = useRef<Received[]>([]);

  const channel = useChannel(computerId, 'events', running, {
    onOpen: () => channel.send({ type: 'subscribe', event_types: EVENT_TYPES }),
    onMessage: (data) => {
      if (typeof data !== 'string') return;
      const m = JSON.parse(data) as DesktopEvent | { type: 'subscribed' | 'error' | 'pong' };
      if (!(EVENT_TYPES as readonly string[]).includes(m.type)) return;
      const e = m as DesktopEvent;
      pending.current.push({ seq: seq.current++, event: e });
      if (e.type === 'clipboard' && typeof e.data.text === 'string') clipRef.current(e.data.text);
      if (notifyRef.current.has(e.type) && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
        new Notification(`${e.type.replace(/_/g, ' ')}`, { body: describeEvent(e), tag: `orgo-${e.type}`, silent: true });
      }
    },
  });
  const sendRef = useRef(channel.send);
  sendRef.current = channel.send;

  // Screen changes come four a second: the list is redrawn at most that often, not per event.
  useEffect(() => {
    const t = setInterval(() => {
      if (!pending.current.length) return;
      const add = pending.current.splice(0);
      setEvents((list) => [...add.reverse(), ...list].slice(0, KEEP));
    }, 250);
    return () => clearInterval(t);
  }, []);

  const setNotify = async (type: EventType, on: boolean) => {
    if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
    const next = new Set(notifyRef.current);
    if (on) next.add(type);
    else next.delete(type);
    localStorage.setItem('activity.notify', JSON.stringify([...next]));
    setNotifyState(next);
  };

  return { events, clear: () => setEvents([]), state: channel.state, detail: channel.detail, notify, setNotify };
}
