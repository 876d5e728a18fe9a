/* global window, document, location, URLSearchParams */
// Orgo's embed as its README shows it: <ComputerDisplay hostname password /> from orgo-vnc, in a
// React page of its own site. hostname and password come from the page's address; what the
// component reports lands in window.seen.
import { createRoot } from 'react-dom/client';
import { ComputerDisplay } from 'orgo-vnc';

const params = new URLSearchParams(location.hash.slice(1));
window.seen = [];
const note = (type, detail) => window.seen.push({ type, ...(detail === undefined ? {} : { detail }) });
createRoot(document.getElementById('screen')).render(
  <ComputerDisplay
    hostname={params.get('hostname')}
    password={params.get('password')}
    scaleViewport={false}
    resizeSession={false}
    onConnect={() => note('connect')}
    onDisconnect={(clean) => note('disconnect', clean)}
    onError={(error) => note('error', error)}
  />,
);
