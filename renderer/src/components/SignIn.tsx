import { useEffect, useState } from 'react';
import type { LoginProgress, ProfileView, SessionView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';
import { useToast } from '../hooks/useToasts';
import { Icon } from './Icon';

const DONE = new Set(['approved', 'denied', 'expired', 'error', 'cancelled']);

function useCountdown(until: number | null): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!until) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [until]);
  if (!until) return '';
  const s = Math.max(0, Math.round((until - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Device-code login in progress: the code to check, the page to approve it on, and how it went. */
function CodePanel({ progress, onCancel, onRestart }: { progress: LoginProgress; onCancel: () => void; onRestart: () => void }) {
  const left = useCountdown(DONE.has(progress.state) ? null : progress.expiresAt);
  const finished = DONE.has(progress.state);
  const bad = progress.state === 'denied' || progress.state === 'expired' || progress.state === 'error';
  return (
    <div className="code-panel" data-testid="device-code-panel" data-state={progress.state}>
      <p className="muted">Check that the page in your browser shows this code, then approve it there.</p>
      <div className="user-code" data-testid="user-code" aria-label="Your code">
        {progress.userCode}
      </div>
      <div className="code-links">
        <button className="button" onClick={() => orgo.external.open({ url: progress.verificationUriComplete })}>
          <Icon name="external" /> Open the approval page
        </button>
        <button className="button" onClick={() => navigator.clipboard?.writeText(progress.userCode)}>
          <Icon name="copy" /> Copy code
        </button>
      </div>
      <div className="code-url muted">{progress.verificationUri}</div>
      <div className={`code-status${bad ? ' is-bad' : ''}${progress.state === 'approved' ? ' is-good' : ''}`} role="status" data-testid="login-status">
        {!finished && <span className="spinner" />}
        {bad && <Icon name="alert" />}
        {progress.state === 'approved' && <Icon name="check" />}
        <span className="code-message">{progress.message}</span>
        {!finished && left && <span className="code-expiry">{left}</span>}
      </div>
      <div className="code-actions">
        {finished && bad ? (
          <button className="button primary" onClick={onRestart}>
            Get a new code
          </button>
        ) : null}
        {!finished && (
          <button className="button subtle" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </div>
  );
}

/** The active profile has no key: sign in with a code (RFC 8628) or paste an API key. */
export function SignIn({ session, profile }: { session: SessionView; profile: ProfileView }) {
  const toast = useToast();
  const [progress, setProgress] = useState<LoginProgress | null>(null);
  const [starting, setStarting] = useState(false);
  const [key, setKey] = useState('');
  const [keyBusy, setKeyBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => orgo.on('login.progress', (p) => p.profileId === profile.id && setProgress(p)), [profile.id]);
  useEffect(() => {
    setProgress(null);
    setError(null);
  }, [profile.id]);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      setProgress(await orgo.login.start({ profileId: profile.id }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStarting(false);
    }
  };
  const cancel = async () => {
    await orgo.login.cancel({ profileId: profile.id });
    setProgress(null);
  };
  const paste = async () => {
    setKeyBusy(true);
    setError(null);
    try {
      await orgo.login.withKey({ profileId: profile.id, apiKey: key.trim() });
      setKey('');
      toast({ kind: 'success', title: `Signed in to ${profile.name}` });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setKeyBusy(false);
    }
  };

  const host = (() => {
    try {
      return new URL(profile.baseUrl).host;
    } catch {
      return profile.baseUrl;
    }
  })();

  return (
    <div className="center-panel">
      <div className="card signin" data-testid="sign-in">
        <div className="signin-head">
          <div className="signin-icon">
            <Icon name={profile.kind === 'cloud' ? 'cloud' : profile.kind === 'local' ? 'server' : 'globe'} size={22} />
          </div>
          <div>
            <h2>Sign in to {profile.name}</h2>
            <div className="muted">{host}</div>
          </div>
        </div>
        {progress && !(progress.state === 'cancelled') ? (
          <CodePanel progress={progress} onCancel={cancel} onRestart={start} />
        ) : (
          <>
            <button className="button primary large" onClick={start} disabled={starting} data-testid="sign-in-code">
              {starting ? <span className="spinner" /> : <Icon name="external" />} Sign in with your browser
            </button>
            <p className="muted small">You get a short code; approve it on the page that opens. The app receives its own API key.</p>
          </>
        )}
        <div className="divider">
          <span>or paste an API key</span>
        </div>
        <form
          className="paste-key"
          onSubmit={(e) => {
            e.preventDefault();
            void paste();
          }}
        >
          <input type="password" value={key} onChange={(e) => setKey(e.target.value)} placeholder="sk_live_…" aria-label="API key" autoComplete="off" spellCheck={false} />
          <button className="button" type="submit" disabled={keyBusy || key.trim().length < 8}>
            {keyBusy ? <span className="spinner" /> : <Icon name="key" />} Use key
          </button>
        </form>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <p className="muted small keychain-note">
          <Icon name="lock" size={13} />
          <span>
            {session.keychain.available
              ? 'Your key is stored in the system keychain.'
              : session.keychain.fileConsent
                ? 'No system keychain here: your key goes to a file only you can read.'
                : 'No system keychain here: your key is kept only while the app runs, unless you allow a private file.'}
          </span>
        </p>
      </div>
    </div>
  );
}
