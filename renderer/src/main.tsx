import { primeComputers } from './hooks/useComputers';
import { primeSession } from './hooks/useSession';
import { firstData } from './first-data';
import { mount } from './mount';
// The main window is what launch waits for: in the first bundle, not behind a second request.
import { MainWindow } from './views/MainWindow';

/**
 * The main window and the grid (#/grid), chosen by the address. A viewer is its own page
 * (viewer.html, viewer.tsx), so its code and noVNC load with its first request.
 */
async function route(): Promise<void> {
  // Old viewer addresses (index.html#/viewer/ID) still work.
  if (location.hash.startsWith('#/viewer/')) return location.replace(`./viewer.html${location.hash}`);
  // Every window needs both; ask now, while its code loads.
  primeSession();
  primeComputers();
  if (location.hash === '#/grid') {
    const { GridWindow } = await import('./views/GridWindow');
    return mount(<GridWindow />);
  }
  window.name = 'orgo-main';
  // Browser mode's launcher may have rendered it into the page already, from the first data.
  mount(<MainWindow />, { hydrate: firstData().session !== null });
}

void route();
