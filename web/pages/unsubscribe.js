// Unsubscribe from an emailed link. The link only opens this page: mail scanners follow links, so the choice is a
// button press (a POST), never the visit itself. "followup" links carry the token in the path, "helper" ones too.
// "coaching" links stop the coaching emails only: the page says the follow-up surveys continue.
import { api } from '../api.js';
import { append, h, replace, T } from '../dom.js';
import { busy, formStatus, showApiError } from '../forms.js';

const ENDPOINTS = {
  followup: (token) => `/api/v1/followup/unsubscribe/${encodeURIComponent(token)}`,
  coaching: (token) => `/api/v1/followup/coaching/unsubscribe/${encodeURIComponent(token)}`,
  helper: (token) => `/api/v1/helpers/unsubscribe?token=${encodeURIComponent(token)}`,
};

export default {
  title: 'unsubscribe.title',
  auth: null,
  async render({ main, params }) {
    const endpoint = ENDPOINTS[params.kind];
    const heading = h('h1', T('unsubscribe.title'));
    const finish = (key, ok) => replace(main, heading,
      h('p', { class: ok ? 'notice ok' : 'notice', role: 'status', 'data-testid': 'unsubscribe-result', ...T(key) }));
    if (!endpoint) return finish('unsubscribe.invalid', false);
    const form = h('form', { novalidate: true },
      h('p', { class: 'lead', ...T(`unsubscribe.intro_${params.kind}`) }),
      formStatus(),
      h('button', { type: 'submit', ...T('unsubscribe.confirm') }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await busy(form, async () => {
        try {
          await api.post(endpoint(params.token), undefined, { auth: false });
          finish(params.kind === 'coaching' ? 'unsubscribe.done_coaching' : 'unsubscribe.done', true);
        } catch (error) {
          if ([400, 403, 404, 410].includes(error?.status)) finish('unsubscribe.invalid', false);
          else showApiError(form, error);
        }
      });
    });
    append(main, heading, form);
    return undefined;
  },
};
