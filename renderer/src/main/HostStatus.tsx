/**
 * Browser mode has no tray: its functions sit here, at the foot of the sidebar. Whether the
 * active profile's host answers (for "This computer": whether the built-in host runs), how many
 * computers run, and "Stop all computers", which asks first and says how many.
 */
import { useState } from 'react';
import type { ComputersSnapshot, ProfileView, SessionView } from '../../../shared/ipc/types';
import { stopAllAnswer, stopAllQuestion } from '../../../shared/ipc/stop-all';
import { Icon } from '../components/Icon';
import { ConfirmDialog } from '../components/Modal';
import { useToast } from '../hooks/useToasts';
import { orgo } from '../orgo';

type Tone = 'ok' | 'busy' | 'bad' | 'off';

/** What the box says about the host, and in which colour. */
export function hostState(session: SessionView, profile: ProfileView, snapshot: ComputersSnapshot | null): { tone: Tone; text: string } {
  const builtIn = profile.kind === 'local';
  const who = builtIn ? 'Built-in host' : 'Host';
  if (snapshot?.hostDown) return snapshot.hostDown.restarting ? { tone: 'busy', text: `${who} restarting…` } : { tone: 'bad', text: `${who} not answering` };
  if (builtIn) {
    const s = session.localHost.state;
    if (s === 'starting') return { tone: 'busy', text: 'Built-in host starting…' };
    if (s === 'error') return { tone: 'bad', text: 'Built-in host did not start' };
    if (s !== 'running' && !snapshot?.loaded) return { tone: 'off', text: 'Built-in host not running' };
  }
  if (!snapshot?.loaded) return { tone: 'busy', text: `${who}: connecting…` };
  return { tone: 'ok', text: builtIn ? 'Built-in host running' : `${who} answering` };
}

export function HostStatus({ session, profile, snapshot }: { session: SessionView; profile: ProfileView; snapshot: ComputersSnapshot | null }) {
  const toast = useToast();
  const [asking, setAsking] = useState(false);
  const [stopping, setStopping] = useState(false);
  const computers = snapshot?.computers ?? [];
  const running = computers.filter((c) => c.status === 'running').length;
  const state = hostState(session, profile, snapshot);
  const question = stopAllQuestion(running, profile.name);
  const stopAll = async () => {
    setStopping(true);
    try {
      const a = stopAllAnswer(await orgo.computers.stopAll());
      toast({ kind: a.ok ? 'success' : 'error', title: a.title, detail: a.detail });
    } catch (e) {
      toast({ kind: 'error', title: 'Could not stop the computers', detail: (e as Error).message });
    } finally {
      setStopping(false);
    }
  };
  return (
    <div className="host-status" data-testid="host-status" data-tone={state.tone}>
      <div className="host-status-line" title={profile.baseUrl}>
        <span className={`host-dot tone-${state.tone}`} />
        <span data-testid="host-state">{state.text}</span>
      </div>
      {snapshot?.loaded && (
        <div className="muted small" data-testid="host-running">
          {running} of {computers.length} computer{computers.length === 1 ? '' : 's'} running
        </div>
      )}
      <button className="button small-button" disabled={!running || stopping || !!snapshot?.hostDown} onClick={() => setAsking(true)} data-testid="stop-all">
        {stopping ? <span className="spinner" /> : <Icon name="stop" />} Stop all computers
      </button>
      {asking && <ConfirmDialog title={question.title} body={question.body} confirm={question.confirm} danger onConfirm={() => void stopAll()} onClose={() => setAsking(false)} />}
    </div>
  );
}
