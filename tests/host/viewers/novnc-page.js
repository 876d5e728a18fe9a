/* global window, document, location, URLSearchParams */
// A plain noVNC page, as people write them: RFB from @novnc/novnc, the URL and the VNC password
// from the page's address (#url=…&password=…), nothing else. Events land in window.seen.
import RFB from '@novnc/novnc';

const params = new URLSearchParams(location.hash.slice(1));
window.seen = [];
const rfb = new RFB(document.getElementById('screen'), params.get('url'), { credentials: { password: params.get('password') }, shared: true });
rfb.addEventListener('connect', () => window.seen.push({ type: 'connect' }));
rfb.addEventListener('disconnect', (e) => window.seen.push({ type: 'disconnect', clean: e.detail.clean }));
rfb.addEventListener('securityfailure', (e) => window.seen.push({ type: 'securityfailure', reason: e.detail.reason }));
rfb.addEventListener('credentialsrequired', () => window.seen.push({ type: 'credentialsrequired' }));
