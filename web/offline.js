// The installable app's offline side: registering the service worker (sw.js), the person's choice to keep an
// offline copy of their plan and advice on this device, and the offline notice.
const KEEP_KEY = 'bob.keep-offline'; // '1' or '0' (a choice about this device, not personal data)

const installed = () => window.matchMedia?.('(display-mode: standalone)').matches ?? false;

/** Whether this device keeps an offline copy: the person's choice, or by default when the app is installed. */
export function keepsOfflineCopy() {
  const choice = localStorage.getItem(KEEP_KEY);
  return choice === null ? installed() : choice === '1';
}

export function setKeepOfflineCopy(keep) {
  localStorage.setItem(KEEP_KEY, keep ? '1' : '0');
  if (!keep) forgetOfflineCopy();
}

/** Drop every personal copy the service worker holds (at sign-out, or when another account signs in). */
export function forgetOfflineCopy() {
  navigator.serviceWorker?.controller?.postMessage({ type: 'forget' });
}

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('sw.js').catch((error) => console.warn('service worker not registered', error));
}

/** Shows `banner` while the device is offline, or while the page shows a copy kept for offline reading. */
export function watchConnection(banner, describe) {
  let copyTime = null;
  const update = () => {
    const offline = !navigator.onLine || copyTime !== null;
    banner.hidden = !offline;
    if (offline) banner.textContent = describe(copyTime);
  };
  window.addEventListener('online', () => { copyTime = null; update(); });
  window.addEventListener('offline', update);
  document.addEventListener('bob:offline-copy', (event) => { copyTime = event.detail; update(); });
  document.addEventListener('bob:online-answer', () => {
    if (copyTime !== null) { copyTime = null; update(); }
  });
  update();
}
