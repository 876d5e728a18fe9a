import { Icon } from '../components/Icon';

export function EmptyState({ onCreate }: { onCreate: () => void }) {
  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-art">
        <Icon name="monitor" size={34} />
      </div>
      <h3>No computers yet</h3>
      <p className="muted">A computer is a full Linux desktop with a browser that you and your agents can use. It boots in well under a second.</p>
      <button className="button primary" onClick={onCreate}>
        <Icon name="plus" /> New computer
      </button>
    </div>
  );
}
