// The documents a helper was asked to review, newest assignments first as the API gives them.
import { api, ApiError } from '../api.js';
import { append, h, T } from '../dom.js';

function row(review) {
  return h('li', { class: 'card', 'data-testid': 'helper-review' },
    h('h2', T(`doc.${review.kind}`)),
    h('p', {}, h('span', { class: `badge ${review.state === 'SENT' ? 'NEEDS_ATTENTION' : 'PASSED'}`,
      ...T(`helper.state.${review.state}`) })),
    h('p', {}, h('a', { href: `#/reviews/${encodeURIComponent(review.review_id)}`,
      ...T(review.state === 'SENT' ? 'helper.open_review' : 'helper.see_review') })));
}

export default {
  title: 'helper.reviews_title',
  auth: 'helper',
  async render({ main, signal }) {
    let registered = true;
    try {
      await api.get('/api/v1/helpers/me', { signal });
    } catch (error) {
      if (!(error instanceof ApiError && [404, 410].includes(error.status))) throw error;
      registered = false; // never pledged, or unsubscribed since
    }
    const reviews = registered ? await api.get('/api/v1/helpers/me/reviews', { signal }) : [];
    append(main, h('h1', T('helper.reviews_title')));
    if (!registered) {
      append(main, h('p', T('helper.not_registered')),
        h('p', {}, h('a', { class: 'button', href: '#/helper', ...T('helper.pledge_now') })));
      return;
    }
    if (reviews.length) {
      append(main, h('ul', { class: 'plain-list' }, reviews.map(row)));
      return;
    }
    append(main, h('p', T('helper.no_reviews')));
  },
};
