// The local market of the person's target job: their département against the region's others and the country's
// median (a bar chart drawn by the vendored uPlot, web/vendor/uplot/README.md, with the same figures as a list),
// then hiring channels, contract mix, hiring intentions and diplomas, when the referential has them.
import { api } from '../api.js';
import { append, bi, h, replace, T } from '../dom.js';
import { navigate } from '../shell.js';
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { latestProfile, waiting } from './diagnosis.js';

const STYLESHEET = 'vendor/uplot/uPlot.min.css';
const OWN = '#1d4ed8'; // the person's département
const OTHER = '#6b7280';
const MEDIAN = '#b3261e';

function loadStyles() {
  if (!document.querySelector(`link[href="${STYLESHEET}"]`)) {
    document.head.append(h('link', { rel: 'stylesheet', href: STYLESHEET }));
  }
}

/** {fr, en} for a number: one decimal at most, French decimal comma. */
function number(value) {
  const text = String(Math.round(value * 10) / 10);
  return { fr: text.replace('.', ','), en: text };
}

function offers(value) {
  const n = number(value);
  const frOne = Math.abs(value) < 2;
  return {
    fr: `${n.fr} offre${frOne ? '' : 's'} pour 10 candidats`,
    en: `${n.en} offer${value === 1 ? '' : 's'} for 10 candidates`,
  };
}

function percent(value) {
  const n = number(value);
  return { fr: `${n.fr} %`, en: `${n.en}%` };
}

/** A search length as shared/texts words it: whole months elapsed, "moins d'un mois" under one. */
function months(days) {
  const whole = Math.floor(days / 30.5);
  if (whole === 0) return { fr: "moins d'un mois", en: 'less than a month' };
  return { fr: `${whole} mois`, en: `${whole} month${whole === 1 ? '' : 's'}` };
}

function labelled(key, value) {
  return h('li', {}, h('span', T(key)), ' ', h('strong', bi(value)));
}

// The chart, once its container is in the page (uPlot measures it); bars for the départements, a line for the
// country's median. Returns a function that stops following the container's width.
function barChart(container, region, median, ownId) {
  const width = () => Math.max(260, Math.min(container.clientWidth || 640, 900));
  const xs = region.map((_, i) => i);
  const ys = region.map((place) => place.offers_per_10_candidates);
  const names = region.map((place) => place.name.fr.replace(/^(l'|le |la |les )/, '').replace(/ \(.+\)$/, ''));
  const bars = uPlot.paths.bars({ size: [0.7, 60] });
  const chart = new uPlot({
    width: width(),
    height: 240,
    scales: {
      x: { time: false, range: [-0.5, region.length - 0.5] },
      y: { range: [0, Math.max(...ys, median ?? 0) * 1.15] },
    },
    series: [
      {},
      {
        label: 'offres / 10 candidats', paths: bars, points: { show: false },
        fill: OTHER, stroke: OTHER,
      },
      ...(median === null ? [] : [{
        label: 'médiane nationale', stroke: MEDIAN, width: 2, dash: [6, 4], points: { show: false },
      }]),
    ],
    axes: [
      { values: (_, ticks) => ticks.map((t) => names[t] ?? ''), rotate: -40, size: 70, gap: 4 },
      { size: 40 },
    ],
    legend: { show: false },
    cursor: { show: false },
    hooks: {
      // The person's own bar drawn again on top, in the accent colour.
      draw: [(u) => {
        const own = region.findIndex((place) => place.departement_id === ownId);
        if (own < 0) return;
        const ctx = u.ctx;
        const x0 = u.valToPos(own - 0.35, 'x', true);
        const x1 = u.valToPos(own + 0.35, 'x', true);
        const y0 = u.valToPos(ys[own], 'y', true);
        const y1 = u.valToPos(0, 'y', true);
        ctx.save();
        ctx.fillStyle = OWN;
        ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
        ctx.restore();
      }],
    },
  }, [xs, ys, ...(median === null ? [] : [xs.map(() => median)])], container);
  const resize = new ResizeObserver(() => chart.setSize({ width: width(), height: 240 }));
  resize.observe(container);
  return () => {
    resize.disconnect();
    chart.destroy();
  };
}

function section(titleKey, ...children) {
  return h('section', { class: 'card market-section' }, h('h2', T(titleKey)), ...children);
}

export default {
  title: 'market.title',
  auth: 'job_seeker',
  async render({ main, session, signal }) {
    append(main, h('h1', T('market.title')), waiting('result.computing'));
    const profile = await latestProfile(session.account.account_id, signal);
    if (!profile) return navigate('#/onboarding');
    const project = profile.profile.projects[0];
    if (!project.target_job) {
      replace(main, h('h1', T('market.title')), h('p', T('market.no_job')),
        h('p', {}, h('a', { class: 'button', href: '#/onboarding', ...T('market.choose_job') })));
      return undefined;
    }
    const market = await api.get(
      `/api/v1/referential/markets/${project.target_job.rome_code}/${project.city.departement_id}`, { signal });
    const { facts } = market;
    loadStyles();

    const chartBox = h('div', { class: 'market-chart', 'data-testid': 'market-chart' });
    const median = market.national_median_offers_per_10_candidates;
    replace(main,
      h('h1', T('market.title')),
      h('p', { class: 'lead' }, h('strong', bi(market.job)), ' — ', h('span', bi(market.place))),
      facts.synthetic ? h('p', { class: 'notice', 'data-testid': 'market-synthetic', ...T('market.synthetic') }) : null,
      section('market.competition',
        h('p', { 'data-testid': 'market-own' }, facts.offers_per_10_candidates === null
          ? h('span', T('market.no_figure'))
          : h('strong', bi(offers(facts.offers_per_10_candidates)))),
        median === null ? null : h('p', {}, h('span', T('market.median')), ' ', h('strong', bi(offers(median)))),
        market.region.length ? [
          h('h3', T('market.region_title')),
          chartBox,
          h('ol', { class: 'plain-list market-places', 'data-testid': 'market-places' }, market.region.map((place) =>
            h('li', { class: place.departement_id === project.city.departement_id ? 'own' : null },
              h('span', bi(place.name)), ' ',
              h('span', { class: 'detail', ...bi(offers(place.offers_per_10_candidates)) })))),
        ] : null),
      Object.keys(market.hiring_channel_percents).length ? section('market.channels',
        h('ul', { class: 'plain-list', 'data-testid': 'market-channels' },
          Object.entries(market.hiring_channel_percents)
          .sort((a, b) => b[1] - a[1])
          .map(([channel, share]) => labelled(`market.channel_${channel}`, percent(share)))))
        : facts.first_hiring_channel ? section('market.channels',
          h('p', { 'data-testid': 'market-first-channel' }, h('span', T('market.first_channel')), ' ',
            h('strong', T(`market.via_${facts.first_hiring_channel}`)))) : null,
      facts.typical_unemployment_days !== null ? section('market.duration',
        h('p', {}, h('span', T('market.typical_search')), ' ',
          h('strong', bi(months(facts.typical_unemployment_days))))) : null,
      facts.contract_mix.length ? section('market.contracts',
        h('ul', { class: 'plain-list', 'data-testid': 'market-contracts' }, facts.contract_mix.map((share) =>
          labelled(`market.contract_${share.contract}`, percent(share.percent_offers))))) : null,
      facts.hiring_projects !== null ? section('market.intentions',
        h('ul', { class: 'plain-list', 'data-testid': 'market-intentions' },
          labelled('market.hiring_projects', number(facts.hiring_projects)),
          facts.difficult_hiring_percent !== null
            ? labelled('market.difficult', percent(facts.difficult_hiring_percent)) : null,
          facts.seasonal_hiring_percent !== null
            ? labelled('market.seasonal', percent(facts.seasonal_hiring_percent)) : null)) : null,
      facts.diploma_requirements.length ? section('market.diplomas',
        h('ul', { class: 'plain-list' }, facts.diploma_requirements.map((requirement) =>
          labelled(`enum.Degree.${requirement.degree}`, percent(requirement.percent_offers))))) : null,
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: '#/advice', ...T('market.back_to_advice') })));
    if (!market.region.length) return undefined;
    const stop = barChart(chartBox, market.region, median, project.city.departement_id);
    signal.addEventListener('abort', stop);
    return undefined;
  },
};
