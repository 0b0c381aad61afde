// The magic link's landing page (#/sign-in?token=...): trade the one-time token for a session.
import { api, ApiError, saveSession } from '../api.js';
import { append, h, T } from '../dom.js';
import { errorMessage, say } from '../forms.js';
import { landingFor, navigate, rewriteAddress } from '../shell.js';

export default {
  title: 'signin.title',
  auth: null,
  async render({ main, query, signal }) {
    const token = query.get('token');
    // Drop the token from the address bar and history: it must not be reused, bookmarked or shared.
    rewriteAddress('#/sign-in');
    if (!token) return navigate('#/');

    append(main, h('h1', T('signin.title')), h('p', { class: 'spinner', role: 'status', ...T('signin.checking') }));
    try {
      const tokens = await api.post('/api/v1/auth/token', { token }, { auth: false, signal });
      return navigate(landingFor(saveSession(tokens)));
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      const key = error instanceof ApiError && error.status === 410 ? 'signin.link_gone'
        : error instanceof ApiError && error.status === 400 ? 'signin.link_invalid' : null;
      const message = say(h('p', { role: 'alert' }), key ? { key } : errorMessage(error));
      main.replaceChildren(
        h('h1', T('signin.failed_title')),
        message,
        h('p', {}, h('a', { class: 'button', href: '#/', ...T('signin.ask_again') })));
    }
    return undefined;
  },
};
