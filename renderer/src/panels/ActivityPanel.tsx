/**
 * The viewer's activity panel: the desktop's events as they happen, newest first, filtered by
 * type and by text; a bell per type turns on desktop notifications for it. The host's own
 * history (it stopped answering, it was restarted, it answers again) is listed among them.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { HostEvent } from '../../../shared/ipc/types';
import { EVENT_TYPES, type EventType } from '../../../shared/api/channels';
import { Icon } from '../components/Icon';
import { CHANNEL_LABEL, type ChannelState } from '../hooks/useChannel';
import { describeEvent, type Received } from '../hooks/useDesktopEvents';
import { useStored } from '../hooks/useStored';
import { isNoisy, shownEvents } from './activityFilter';

const DEFAULT_HIDDEN: EventType[] = ['screen_change'];

export interface ActivityProps {
  events: Received[];
  state: ChannelState;
  detail: string;
  notify: Set<EventType>;
  setNotify: (type: EventType, on: boolean) => void;
  clear: () => void;
  /** The host's history, from the computers list (main keeps it across windows). */
  hostEvents?: HostEvent[];
}

const time = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hourCycle: 'h23' });

export function ActivityPanel({ events, state, detail, notify, setNotify, clear, hostEvents = [] }: ActivityProps) {
  const [hidden, setHidden] = useState<Set<EventType>>(() => new Set(DEFAULT_HIDDEN));
  const [text, setText] = useState('');
  const [noisy, setNoisy] = useStored<'hide' | 'show'>('activity.noisyPaths', 'hide', ['hide', 'show']);
  const hideNoisy = noisy === 'hide';
  const shown = useMemo(() => shownEvents(events, { hidden, text, hideNoisy }), [events, hidden, text, hideNoisy]);
  // Cleared host lines stay cleared (main keeps the history; the panel remembers what it dropped).
  const [hostSince, setHostSince] = useState(0);
  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const host = hostEvents.filter((h) => h.at > hostSince && (!needle || h.text.toLowerCase().includes(needle)));
    const list: Array<{ at: number; key: string; el: ReactNode }> = shown.map((r) => ({
      at: Date.parse(r.event.timestamp),
      key: `e${r.seq}`,
      el: (
        <li key={`e${r.seq}`} data-type={r.event.type}>
          <time>{time(Date.parse(r.event.timestamp))}</time>
          <span className={`ev-type ev-${r.event.type}`}>{r.event.type.replace(/_/g, ' ')}</span>
          <span className="ev-text" title={describeEvent(r.event, true)}>
            {describeEvent(r.event)}
          </span>
        </li>
      ),
    }));
    for (const h of host)
      list.push({
        at: h.at,
        key: `h${h.at}${h.kind}`,
        el: (
          <li key={`h${h.at}${h.kind}`} data-type="host" data-kind={h.kind} data-testid="activity-host">
            <time>{time(h.at)}</time>
            <span className={`ev-type ev-host ev-host-${h.kind}`}>host</span>
            <span className="ev-text" title={h.text}>
              {h.text}
            </span>
          </li>
        ),
      });
    return list.sort((a, b) => b.at - a.at);
  }, [shown, hostEvents, hostSince, text]);
  const noisyCount = useMemo(() => (hideNoisy ? events.filter(isNoisy).length : 0), [events, hideNoisy]);
  const toggle = (t: EventType) => {
    const next = new Set(hidden);
    if (next.has(t)) next.delete(t);
    else next.add(t);
    setHidden(next);
  };
  return (
    <div className="panel-body activity-panel">
      <div className="activity-head">
        <span className={`chip chip-${state}`} data-testid="events-state" data-state={state} title={detail}>
          {CHANNEL_LABEL[state]}
        </span>
        <input className="input small" placeholder="Filter…" value={text} onChange={(e) => setText(e.target.value)} aria-label="Filter events" data-testid="activity-filter" />
        <button
          className="tool"
          onClick={() => {
            clear();
            setHostSince(Date.now());
          }}
        >
          Clear
        </button>
      </div>
      <div className="activity-types">
        {EVENT_TYPES.map((t) => (
          <span key={t} className={`type-chip${hidden.has(t) ? '' : ' on'}`}>
            <button onClick={() => toggle(t)} title={hidden.has(t) ? 'Show these' : 'Hide these'} data-testid={`type-${t}`}>
              {t.replace(/_/g, ' ')}
            </button>
            <button
              className={`bell${notify.has(t) ? ' on' : ''}`}
              title={notify.has(t) ? 'Notifications on for this type' : 'Notify me of this type'}
              aria-label={`Notify for ${t}`}
              aria-pressed={notify.has(t)}
              onClick={() => setNotify(t, !notify.has(t))}
            >
              <Icon name={notify.has(t) ? 'bell' : 'belloff'} size={11} />
            </button>
          </span>
        ))}
        <span className={`type-chip${hideNoisy ? ' on' : ''}`}>
          <button
            onClick={() => setNoisy(hideNoisy ? 'show' : 'hide')}
            title={hideNoisy ? 'Hiding file changes in caches, browser profiles and temporary files: click to show them' : 'Showing every file change: click to hide caches and temporary files'}
            aria-pressed={hideNoisy}
            data-testid="noisy-paths"
          >
            hide noisy paths{noisyCount ? ` (${noisyCount})` : ''}
          </button>
        </span>
      </div>
      <ol className="activity-list" data-testid="activity-list">
        {rows.map((r) => r.el)}
        {!rows.length && (
          <li className="muted panel-empty" data-testid="activity-empty">
            {text.trim() ? `No event matches “${text.trim()}”.` : 'Waiting for events from the desktop…'}
            {events.length > 0 && !text.trim() && <span className="small"> ({events.length} hidden by the filters above)</span>}
          </li>
        )}
      </ol>
    </div>
  );
}
