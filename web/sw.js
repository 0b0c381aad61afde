// The service worker that makes the client installable and usable offline. The shell (every file of the client)
// is precached at install and served network-first, so a release shows at once and an offline start still works.
// The API is never cached, except the routes of OFFLINE_ROUTES for a person who chose to keep an offline copy on
// this device (the page sends X-Bob-Keep-Offline): stored per account, served only to the same account, and
// forgotten at sign-out.
const SHELL_CACHE = 'bob-shell-v1';
const PERSON_CACHE = 'bob-person-v1';
// Every file of web/ but this one and the docs (tests/unit/web/test_pwa.py keeps this list complete).
const SHELL = [
  './', 'index.html', 'manifest.webmanifest', 'app.js', 'api.js', 'dom.js', 'enums.js', 'forms.js', 'i18n.js',
  'job-picker.js', 'offline.js', 'shell.js', 'strings.json', 'styles.css', 'favicon.svg',
  'icons/apple-touch-icon.png', 'icons/icon-192.png', 'icons/icon-512.png', 'icons/maskable-512.png',
  'pages/account.js', 'pages/advice.js', 'pages/diagnosis.js', 'pages/feedback.js', 'pages/help.js',
  'pages/helper-pledge.js', 'pages/helper-reviews.js', 'pages/home.js', 'pages/market.js',
  'pages/onboarding-steps.js', 'pages/onboarding.js', 'pages/operator-charts.js', 'pages/operator-model.js',
  'pages/operator.css', 'pages/operator.js', 'pages/plan.js', 'pages/review.js', 'pages/sign-in.js',
  'pages/survey.js', 'pages/unsubscribe.js', 'vendor/uplot/uPlot.esm.js', 'vendor/uplot/uPlot.min.css',
];
// GET routes a person may keep for offline reading: their action plan, and their profile with its diagnosis and
// advice (the advice and diagnosis pages start from the profile).
const OFFLINE_ROUTES = [
  /^\/api\/v1\/advice\/plan$/, /^\/api\/v1\/profiles\/[^/]+$/, /^\/api\/v1\/profiles\/[^/]+\/(diagnosis|advice)$/,
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  const current = [SHELL_CACHE, PERSON_CACHE];
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => !current.includes(name)).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'forget') event.waitUntil(caches.delete(PERSON_CACHE));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    if (OFFLINE_ROUTES.some((route) => route.test(url.pathname))) event.respondWith(personal(request, url));
    return; // any other API call goes to the network untouched
  }
  event.respondWith(shell(request));
});

async function shell(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

// The account a bearer token names (its "sub"), to key a personal copy. Not a check of the token: the server does
// that online; offline, the copy is only ever given back to the tab that holds the same account's session.
function subject(request) {
  const token = (request.headers.get('Authorization') ?? '').replace(/^Bearer /, '');
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub ?? null;
  } catch {
    return null;
  }
}

async function personal(request, url) {
  const who = subject(request);
  const key = who ? `${url.pathname}?account=${encodeURIComponent(who)}` : null;
  const keep = request.headers.get('X-Bob-Keep-Offline') === '1';
  try {
    const response = await fetch(request);
    if (key && response.ok && keep) {
      const copy = new Response(await response.clone().blob(), { headers: {
        'Content-Type': response.headers.get('Content-Type') ?? 'application/json',
        'X-Bob-Offline-Copy': new Date().toISOString(),
      } });
      await (await caches.open(PERSON_CACHE)).put(key, copy);
    }
    return response;
  } catch (error) {
    const cached = key && await (await caches.open(PERSON_CACHE)).match(key);
    if (cached) return cached;
    throw error;
  }
}
