/**
 * The viewer's activity panel: the desktop's events as they happen, newest first, filtered by
 * type and by text; a bell per type turns on desktop notifications for it.
 */
import { useMemo, useState } from 'react';
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
}

export function ActivityPanel({ events, state, detail, notify, setNotify, clear }: ActivityProps) {
  const [hidden, setHidden] = useState<Set<EventType>>(() => new Set(DEFAULT_HIDDEN));
  const [text, setText] = useState('');
  const [noisy, setNoisy] = useStored<'hide' | 'show'>('activity.noisyPaths', 'hide', ['hide', 'show']);
  const hideNoisy = noisy === 'hide';
  const shown = useMemo(() => shownEvents(events, { hidden, text, hideNoisy }), [events, hidden, text, hideNoisy]);
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
        <button className="tool" onClick={clear}>
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
        {shown.map((r) => (
          <li key={r.seq} data-type={r.event.type}>
            <time>{new Date(r.event.timestamp).toLocaleTimeString(undefined, { hourCycle: 'h23' })}</time>
            <span className={`ev-type ev-${r.event.type}`}>{r.event.type.replace(/_/g, ' ')}</span>
            <span className="ev-text" title={describeEvent(r.event, true)}>
              {describeEvent(r.event)}
            </span>
          </li>
        ))}
        {!shown.length && (
          <li className="muted panel-empty" data-testid="activity-empty">
            {text.trim() ? `No event matches “${text.trim()}”.` : 'Waiting for events from the desktop…'}
            {events.length > 0 && !text.trim() && <span className="small"> ({events.length} hidden by the filters above)</span>}
          </li>
        )}
      </ol>
    </div>
  );
}
