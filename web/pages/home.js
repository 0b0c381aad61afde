// Home: what Bob is, and sign-in by email (a magic link; no password to remember).
import { api, getSession } from '../api.js';
import { append, h, T } from '../dom.js';
import { getLang } from '../i18n.js';
import { busy, checkForm, choices, formStatus, input, showApiError, showNotice, value } from '../forms.js';
import { landingFor, navigate, rememberRole } from '../shell.js';

export default {
  title: 'home.title',
  auth: null,
  render({ main }) {
    const session = getSession();
    if (session) return navigate(landingFor(session));

    const form = h('form', { novalidate: true, 'aria-labelledby': 'signin-title' },
      h('h2', { id: 'signin-title', ...T('home.signin_title') }),
      input({ name: 'email', label: 'home.email', type: 'email', required: true, autocomplete: 'email',
        maxlength: 254 }),
      choices({ name: 'role', legend: 'home.role', type: 'radio', checked: ['job_seeker'],
        options: [['job_seeker', 'home.role_job_seeker'], ['helper', 'home.role_helper']] }),
      formStatus(),
      h('button', { type: 'submit', ...T('home.send_link') }));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!checkForm(form)) return;
      const email = value(form, 'email');
      const role = value(form, 'role') || 'job_seeker';
      await busy(form, async () => {
        try {
          await api.post('/api/v1/auth/magic-link', { email, role, locale: getLang() }, { auth: false });
          rememberRole(role);
          showNotice(form, 'home.link_sent', { email });
        } catch (error) {
          showApiError(form, error);
        }
      });
    });

    append(main,
      h('h1', T('home.heading')),
      h('p', { class: 'lead', ...T('home.intro') }),
      h('ul', {},
        h('li', T('home.step_profile')),
        h('li', T('home.step_diagnosis')),
        h('li', T('home.step_help'))),
      h('div', { class: 'card' }, form),
      h('p', { class: 'muted', ...T('home.helpers_intro') }));
    return undefined;
  },
};
