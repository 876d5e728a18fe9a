/** The list could not be refreshed: why, since when the shown list dates, and Retry. */
import { Icon } from '../components/Icon';

export function ListBanner({ error, at, onRetry }: { error: string; at: number; onRetry: () => void }) {
  return (
    <div className="banner banner-error" role="alert">
      <Icon name="alert" size={18} />
      <div className="banner-text">
        <strong>Could not refresh the list.</strong> {error}
        <div className="muted small">Showing the list from {new Date(at).toLocaleTimeString()}.</div>
      </div>
      <button className="button" onClick={onRetry}>
        <Icon name="refresh" /> Retry
      </button>
    </div>
  );
}
