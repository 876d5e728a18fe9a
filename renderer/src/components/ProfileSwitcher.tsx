import { useEffect, useRef, useState } from 'react';
import { isPlainHttpToAnotherMachine, PLAIN_HTTP_WARNING } from '../../../shared/ipc/plain-http';
import type { ProfileView, SessionView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';
import { useToast } from '../hooks/useToasts';
import { Icon, type IconName } from './Icon';
import { ConfirmDialog, Modal } from './Modal';
import { ModalForm } from './ModalForm';
import { addressProblem } from './serverAddress';

export const PROFILE_ICON: Record<ProfileView['kind'], IconName> = { local: 'server', cloud: 'cloud', remote: 'globe', env: 'plug' };

function AddProfile({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const problem = addressProblem(url);
  const [allowPlainHttp, setAllowPlainHttp] = useState(false);
  const plainHttp = !problem && isPlainHttpToAnotherMachine(url);
  const submit = async () => {
    setTouched(true);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      await orgo.profiles.add({ name: name.trim() || new URL(url).host, baseUrl: url.trim(), allowPlainHttp: plainHttp && allowPlainHttp });
      onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Add a server"
      onClose={onClose}
      footer={
        <>
          <button className="button" onClick={onClose}>
            Cancel
          </button>
          <button className="button primary" onClick={submit} disabled={busy || !url.trim()} data-testid="add-profile-submit">
            {busy ? <span className="spinner" /> : null} Add server
          </button>
        </>
      }
    >
      <ModalForm onSubmit={submit} error={error}>
        <p className="modal-text wide">Any Orgo-compatible API: an Orgo host on another machine, or your own deployment.</p>
        <label className="field wide">
          <span>Address</span>
          <input value={url} onChange={(e) => setUrl(e.target.value)} onBlur={() => url.trim() && setTouched(true)} placeholder="https://lab-server:7391" aria-label="Address" autoFocus spellCheck={false} aria-invalid={touched && !!problem} />
          {touched && problem && (
            <span className="field-problem" data-testid="address-problem">
              {problem}
            </span>
          )}
        </label>
        <label className="field wide">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Lab server" aria-label="Profile name" maxLength={60} />
        </label>
        {plainHttp && (
          <label className="field wide" data-testid="allow-plain-http">
            <span>{PLAIN_HTTP_WARNING}</span>
            <span>
              <input type="checkbox" checked={allowPlainHttp} onChange={(e) => setAllowPlainHttp(e.target.checked)} /> Allow plain http for this server
            </span>
          </label>
        )}
      </ModalForm>
    </Modal>
  );
}

/** A word on the active profile: for this computer, how its host is; otherwise the sign-in. */
function profileState(session: SessionView): string {
  const active = session.profiles.find((p) => p.id === session.activeId);
  if (active?.kind === 'local') {
    const state = session.localHost.state;
    if (state === 'running') return active.signedIn ? 'Running on this machine' : 'Running, not signed in';
    if (state === 'starting') return 'Starting…';
    if (state === 'error') return 'Host not running';
  }
  return active?.signedIn ? 'Connected' : 'Not signed in';
}

/** Which API the app talks to: this computer, Orgo's cloud, or another server. */
export function ProfileSwitcher({ session }: { session: SessionView }) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<ProfileView | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const active = session.profiles.find((p) => p.id === session.activeId)!;

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  const select = async (p: ProfileView) => {
    setOpen(false);
    if (p.id === active.id) return;
    try {
      await orgo.profiles.select({ id: p.id });
    } catch (e) {
      toast({ kind: 'error', title: `Could not switch to ${p.name}`, detail: (e as Error).message });
    }
  };

  return (
    <div className="profile-switcher" ref={ref}>
      <button className="profile-current" onClick={() => setOpen(!open)} aria-haspopup="menu" aria-expanded={open} data-testid="profile-switcher">
        <span className="profile-icon">
          <Icon name={PROFILE_ICON[active.kind]} size={16} />
        </span>
        <span className="profile-text">
          <span className="profile-name">{active.name}</span>
          <span className="profile-sub">{profileState(session)}</span>
        </span>
        <Icon name="chevron" size={14} className="chev" />
      </button>
      {open && (
        <div className="menu" role="menu">
          {session.profiles.map((p) => (
            <button key={p.id} className="menu-item" role="menuitemradio" aria-checked={p.id === active.id} onClick={() => select(p)}>
              <Icon name={PROFILE_ICON[p.kind]} />
              <span className="menu-label">
                {p.name}
                <span className="menu-sub">{p.baseUrl.replace(/^https?:\/\//, '').replace(/\/api$/, '')}</span>
              </span>
              {p.id === active.id && <Icon name="check" className="menu-check" />}
            </button>
          ))}
          <div className="menu-sep" />
          <button
            className="menu-item"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              setAdding(true);
            }}
            data-testid="add-profile"
          >
            <Icon name="plus" />
            <span className="menu-label">Add a server…</span>
          </button>
          {active.kind === 'remote' && (
            <button
              className="menu-item danger-text"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                setRemoving(active);
              }}
              data-testid="remove-profile"
            >
              <Icon name="trash" />
              <span className="menu-label">Remove “{active.name}”…</span>
            </button>
          )}
        </div>
      )}
      {adding && <AddProfile onClose={() => setAdding(false)} />}
      {removing && (
        <ConfirmDialog
          title={`Remove “${removing.name}”?`}
          body={`The app forgets this server (${removing.baseUrl}) and its key. Its computers keep running there; add it again to reach them.`}
          confirm="Remove server"
          danger
          onConfirm={() =>
            void orgo.profiles.remove({ id: removing.id }).catch((e: Error) => toast({ kind: 'error', title: `Could not remove “${removing.name}”`, detail: e.message }))
          }
          onClose={() => setRemoving(null)}
        />
      )}
    </div>
  );
}
