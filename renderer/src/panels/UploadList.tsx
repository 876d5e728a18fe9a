/** The uploads in flight (and just finished or failed), each with its bar, cancel and words. */
import { Icon } from '../components/Icon';
import type { Upload } from '../hooks/useUploads';
import { formatBytes } from './format';

export function UploadList({ uploads, cancel, dismiss }: { uploads: Upload[]; cancel: (id: string) => void; dismiss: (id: string) => void }) {
  if (!uploads.length) return null;
  return (
    <div className="uploads" data-testid="uploads">
      {uploads.map((u) => {
        const pct = u.size ? Math.min(100, Math.floor((u.sent / u.size) * 100)) : u.state === 'done' ? 100 : 0;
        return (
          <div key={u.id} className={`upload upload-${u.state}`} data-testid="upload" data-name={u.name} data-state={u.state} data-percent={pct}>
            <div className="upload-line">
              <span className="upload-name">{u.name}</span>
              <span className="upload-figure">
                {u.state === 'uploading' && `${formatBytes(u.sent)} of ${formatBytes(u.size)} · ${pct}%`}
                {u.state === 'done' && 'On the Desktop'}
                {u.state === 'cancelled' && 'Cancelled'}
                {u.state === 'failed' && 'Failed'}
              </span>
              {u.state === 'uploading' ? (
                <button className="tool icon-only small" title="Cancel this upload" aria-label={`Cancel ${u.name}`} onClick={() => cancel(u.id)} data-testid="upload-cancel">
                  <Icon name="x" size={13} />
                </button>
              ) : (
                <button className="tool icon-only small" title="Dismiss" aria-label={`Dismiss ${u.name}`} onClick={() => dismiss(u.id)}>
                  <Icon name={u.state === 'done' ? 'check' : 'x'} size={13} />
                </button>
              )}
            </div>
            <div className="bar">
              <div style={{ width: `${pct}%` }} />
            </div>
            {u.error && (
              <p className="upload-error" role="alert">
                {u.error}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
