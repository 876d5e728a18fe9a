import type { SessionView } from '../../../shared/ipc/types';
import { orgo } from '../orgo';
import { Icon } from './Icon';

/**
 * No Secret Service: say so plainly, and offer the 0600 file only as a choice the user makes
 * (as `gh` does). Until then keys live only as long as the app runs.
 */
export function KeychainBanner({ session }: { session: SessionView }) {
  const k = session.keychain;
  if (k.available || k.fileConsent !== null || k.memoryOnly === 0) return null;
  return (
    <div className="banner banner-warn" role="alert" data-testid="keychain-banner">
      <Icon name="lock" size={18} />
      <div className="banner-text">
        <strong>No system keychain found</strong>
        {k.problem ? <span className="muted"> ({k.problem})</span> : null}. Your key is kept only while Orgo Desktop runs.
        <div className="muted small">Store it in {k.filePath}, a file only you can read?</div>
      </div>
      <div className="banner-actions">
        <button className="button" onClick={() => orgo.keychain.fileConsent({ allow: false })}>
          Only this session
        </button>
        <button className="button primary" onClick={() => orgo.keychain.fileConsent({ allow: true })}>
          Store in file
        </button>
      </div>
    </div>
  );
}
