import './csp-safe';
import { primeComputers } from './hooks/useComputers';
import { primeSession } from './hooks/useSession';
import { mount } from './mount';
import { primeViewer } from './vnc/prime';
import { ViewerWindow } from './views/ViewerWindow';

/**
 * A viewer window (viewer.html#/viewer/ID): its own page, so the viewer and noVNC are fetched
 * with the page itself (module preloads) rather than after the main bundle has run.
 */
const m = /^#\/viewer\/([A-Za-z0-9_-]+)$/.exec(location.hash);
if (!m) {
  location.replace('./index.html');
} else {
  // Asked before React renders: main opens the computer's side meanwhile.
  primeViewer(m[1]!);
  primeSession();
  primeComputers();
  mount(<ViewerWindow computerId={m[1]!} />);
}
