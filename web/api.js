// Calls to the platform's API through the gateway (same origin). Tokens live in sessionStorage, not cookies:
// they leave with the tab and are only ever sent explicitly, as a bearer token.
import { forgetOfflineCopy, keepsOfflineCopy } from './offline.js';

const SESSION_KEY = 'bob.session';

export class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.status = status;
    this.detail = detail; // a string, or FastAPI's list of {loc, msg, type} for 422
  }
}

export function getSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY)) ?? null;
  } catch {
    return null;
  }
}

export function saveSession(tokens) {
  if (getSession()?.account?.account_id !== tokens.account?.account_id) forgetOfflineCopy();
  const session = {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    account: tokens.account,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

export function clearSession(reason = null) {
  const had = getSession() !== null;
  sessionStorage.removeItem(SESSION_KEY);
  forgetOfflineCopy();
  if (had && reason) document.dispatchEvent(new CustomEvent('bob:signed-out', { detail: reason }));
}

export function hasRole(role) {
  return Boolean(getSession()?.account?.roles?.includes(role));
}

// Refresh tokens rotate and a reused one revokes the session: concurrent 401s must share one refresh.
let refreshing = null;

function refresh() {
  const refreshToken = getSession()?.refresh_token;
  if (!refreshToken) return Promise.resolve(false);
  refreshing ??= fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  })
    .then(async (response) => {
      if (!response.ok) return false;
      saveSession(await response.json());
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

async function errorOf(response) {
  let detail = response.statusText;
  try {
    const body = await response.json();
    detail = body.detail ?? detail;
  } catch {
    // not JSON (e.g. an nginx error page): keep the status text
  }
  return new ApiError(response.status, detail);
}

/**
 * One request. Options: json (a body to send as JSON), form (FormData), auth (send the token, default true),
 * raw (return the Response, e.g. for a file). Throws ApiError for any non-2xx answer, status 0 when offline.
 */
export async function request(path, { method = 'GET', json, form, auth = true, raw = false, signal } = {}) {
  const send = () => {
    const headers = { Accept: 'application/json' };
    let body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form; // the browser sets the multipart boundary
    }
    const token = auth ? getSession()?.access_token : null;
    if (token) headers.Authorization = `Bearer ${token}`;
    // The service worker keeps a copy of some answers for offline reading, only if the person chose so.
    if (token && method === 'GET' && keepsOfflineCopy()) headers['X-Bob-Keep-Offline'] = '1';
    return fetch(path, { method, headers, body, signal });
  };
  let response;
  try {
    response = await send();
    if (response.status === 401 && auth && getSession()) {
      response = (await refresh()) ? await send() : response;
      if (response.status === 401) clearSession('expired');
    }
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network');
  }
  if (!response.ok) throw await errorOf(response);
  const copy = response.headers.get('X-Bob-Offline-Copy');
  document.dispatchEvent(copy ? new CustomEvent('bob:offline-copy', { detail: copy }) : new Event('bob:online-answer'));
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') ?? '';
  return type.includes('json') ? response.json() : response.text();
}

export const api = {
  get: (path, options) => request(path, options),
  post: (path, json, options) => request(path, { ...options, method: 'POST', json }),
  put: (path, json, options) => request(path, { ...options, method: 'PUT', json }),
  delete: (path, options) => request(path, { ...options, method: 'DELETE' }),
  upload: (path, form, options) => request(path, { ...options, method: 'POST', form }),
};

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => {
    clearTimeout(timer);
    reject(new DOMException('aborted', 'AbortError'));
  }, { once: true });
});

/** GET `path` every `intervalMs` until `done(body)`; gives up (returns null) after `maxTries`. */
export async function poll(path, { done, intervalMs = 1000, maxTries = 120, signal, auth = true }) {
  for (let attempt = 0; attempt < maxTries; attempt += 1) {
    const body = await api.get(path, { signal, auth });
    if (done(body)) return body;
    await sleep(intervalMs, signal);
  }
  return null;
}

/** Offer a Blob as a file download (a link click is the only way a page can save a file). */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
