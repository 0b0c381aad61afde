// The operator page, for a machine without Grafana: the pipeline (throughput, lag, errors, oldest pending event)
// from Prometheus through the gateway, the impact by sign-up month (treated against control, with the interval)
// from the follow-up figures, the employability model (operator-model.js), and Bob Action's pledges and reviews.
import { api } from '../api.js';
import { append, h, T } from '../dom.js';
import { t } from '../i18n.js';
import {
  columns, count, instantQuery, lineChart, loadStyles, percent, rangeQuery, seconds,
} from './operator-charts.js';
import { modelSection } from './operator-model.js';

const WINDOW = { minutes: 30, stepSeconds: 15 };

// Each pipeline chart: its title and hint, its PromQL queries and how each names its series.
const PIPELINE = [
  { key: 'operator.throughput', hint: 'operator.throughput_hint', format: count, queries: [
    ['sum by (service) (rate(bob_events_consumed_total{outcome="processed"}[1m]))', (m) => m.service]] },
  { key: 'operator.lag', hint: 'operator.lag_hint', format: count, queries: [
    ['sum by (group) (bob_consumer_group_lag)', (m) => m.group]] },
  { key: 'operator.errors', hint: 'operator.errors_hint', format: count, queries: [
    // "or vector(0)": no failure yet is a flat zero, not a missing chart.
    ['sum(increase(bob_events_consumed_total{outcome="dead_letter"}[5m])) or vector(0)',
      () => t('operator.dead_letters')],
    ['sum(increase(bob_http_requests_total{status=~"5.."}[5m])) or vector(0)', () => t('operator.http_errors')]] },
  { key: 'operator.oldest', hint: 'operator.oldest_hint', format: seconds, queries: [
    ['max by (service) (bob_outbox_oldest_pending_seconds)', (m) => m.service]] },
];

function figure(key, hint, ...children) {
  return h('figure', { class: 'card operator-chart', 'data-testid': key },
    h('figcaption', {}, h('h3', T(key)), h('p', { class: 'muted', ...T(hint) })), ...children);
}

// The pipeline charts are redrawn this often while the page is open, as Grafana would.
const REFRESH_MS = 15_000;

/** One pipeline chart: its figure, whose drawing `refresh` replaces with the latest 30 minutes. */
function pipelineChart(spec, signal) {
  const area = h('div', { class: 'chart-area' });
  let stop = () => {};
  const refresh = async () => {
    const named = await Promise.all(spec.queries.map(async ([expr, name]) => {
      const result = await rangeQuery(expr, { ...WINDOW, signal });
      return result.map((s) => ({ name: name(s.metric), values: s.values }));
    }));
    const data = columns(named.flat());
    stop();
    stop = () => {};
    area.replaceChildren();
    if (!data.times.length) {
      append(area, h('p', T('operator.no_data')));
      return;
    }
    // Drawn once the figure is in the page (uPlot measures its container).
    queueMicrotask(() => { stop = lineChart(area, data, { format: spec.format }); });
  };
  return { box: figure(spec.key, spec.hint, area), refresh, stop: () => stop() };
}

/** Redraws the charts every REFRESH_MS until the page is left; a failed refresh keeps the last drawing. */
function keepFresh(charts, signal) {
  const timer = setInterval(() => {
    charts.forEach((chart) => chart.refresh().catch(() => {}));
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}

function monthSeconds(month) {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) / 1000;
}

function impactChart(cohorts, stops) {
  const known = cohorts.filter((c) => c.impact.treated.rate !== null || c.impact.control.rate !== null);
  const area = h('div', { class: 'chart-area' });
  const box = figure('operator.impact', 'operator.impact_hint', area, impactTable(cohorts));
  if (!known.length) {
    append(area, h('p', T('operator.no_answers')));
    return box;
  }
  const line = (label, values, colour, dash) => ({ label, values, colour, dash });
  const data = {
    times: known.map((c) => monthSeconds(c.signup_month)),
    series: [
      line(t('operator.treated'), known.map((c) => c.impact.treated.rate), '#1f4fbf'),
      line(t('operator.control'), known.map((c) => c.impact.control.rate), '#8a4b00'),
      line(t('operator.difference'), known.map((c) => c.impact.difference), '#0b6b3a'),
      line(t('operator.ci_low'), known.map((c) => c.impact.ci95_low), '#0b6b3a', [4, 4]),
      line(t('operator.ci_high'), known.map((c) => c.impact.ci95_high), '#0b6b3a', [4, 4]),
    ],
  };
  // The interval as a band between its bounds (uPlot counts series from 1: 4 is the low bound, 5 the high).
  const bands = [{ series: [5, 4], fill: 'rgba(11, 107, 58, 0.12)' }];
  queueMicrotask(() => stops.push(lineChart(area, data, { format: percent, bands })));
  return box;
}

const cell = (value, format = percent) => h('td', {}, value === null || value === undefined ? '–' : format(value));

function impactTable(cohorts) {
  const head = ['operator.col.month', 'operator.col.sent', 'operator.col.response', 'operator.col.treated',
    'operator.col.control', 'operator.col.difference', 'operator.col.interval'];
  return h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'operator-table', 'data-testid': 'impact-table' },
    h('caption', T('operator.impact_table')),
    h('thead', {}, h('tr', {}, head.map((key) => h('th', { scope: 'col', ...T(key) })))),
    h('tbody', {}, cohorts.map((c) => h('tr', {},
      h('th', { scope: 'row' }, c.signup_month),
      h('td', {}, String(c.sent)),
      cell(c.response_rate.share),
      cell(c.impact.treated.rate), cell(c.impact.control.rate), cell(c.impact.difference),
      h('td', {}, c.impact.ci95_low === null ? '–'
        : `[${percent(c.impact.ci95_low)} ; ${percent(c.impact.ci95_high)}]`))))));
}

/** Bob Action's pledges and reviews (gauges the pledges worker publishes), redrawn with the charts. */
function actionSection(signal) {
  const box = h('section', { class: 'card', 'data-testid': 'operator-action' });
  const refresh = async () => {
    const [pledges, reviews] = await Promise.all([
      instantQuery('max by (kind, state) (bob_pledges)', { signal }),
      instantQuery('max by (kind, state) (bob_reviews)', { signal }),
    ]);
    const value = (rows, kind, state) => rows.find((r) => r.metric.kind === kind && r.metric.state === state)
      ?.value[1] ?? '–';
    const pledgeKinds = [...new Set(pledges.map((r) => r.metric.kind))].sort();
    const documentKinds = [...new Set(reviews.map((r) => r.metric.kind))].sort();
    box.replaceChildren(
      h('h2', T('operator.action')),
      h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'operator-table' },
        h('caption', T('operator.pledges')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', ...T('operator.col.kind') }),
          h('th', { scope: 'col', ...T('operator.col.confirmed') }),
          h('th', { scope: 'col', ...T('operator.col.fulfilled') }))),
        h('tbody', {}, pledgeKinds.map((kind) => h('tr', {}, h('th', { scope: 'row', ...T(`pledge.${kind}`) }),
          h('td', {}, value(pledges, kind, 'confirmed')), h('td', {}, value(pledges, kind, 'fulfilled'))))))),
      h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'operator-table' },
        h('caption', T('operator.reviews')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', ...T('operator.col.document') }),
          ['SENT', 'DONE', 'TIME_OUT'].map((state) => h('th', { scope: 'col', ...T(`review.state.${state}`) })))),
        h('tbody', {}, documentKinds.map((kind) => h('tr', {}, h('th', { scope: 'row', ...T(`doc.${kind}`) }),
          ['SENT', 'DONE', 'TIME_OUT'].map((state) => h('td', {}, value(reviews, kind, state)))))))));
  };
  return { box, refresh };
}

// --- In-app feedback (issue 16): agreement with the main challenge and the advice's stars, from the advice
// service's operator summary. Kept apart so other sections of this page change without touching it.
async function feedbackSection(signal) {
  let summary;
  try {
    summary = await api.get('/api/v1/advice/feedback/summary', { signal });
  } catch {
    return null; // the rest of the page stands without it
  }
  const col = (key) => h('th', { scope: 'col', ...T(key) });
  return h('section', { class: 'card', 'data-testid': 'operator-feedback', 'aria-labelledby': 'operator-feedback-title' },
    h('h2', { id: 'operator-feedback-title', ...T('operator.feedback_title') }),
    summary.judged === 0 && !summary.ratings.length ? h('p', T('operator.feedback_none')) : null,
    h('p', {}, h('span', T('operator.feedback_agreement')), ' : ',
      h('strong', { 'data-testid': 'feedback-agreement' }, summary.agreement_rate === null ? '–'
        : percent(summary.agreement_rate)), ` (${summary.agreed} / ${summary.judged})`),
    h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'operator-table' },
      h('caption', T('operator.feedback_agreement')),
      h('thead', {}, h('tr', {}, col('operator.feedback_challenge'), col('operator.feedback_judged'),
        col('operator.feedback_agreed'), col('operator.feedback_rate'))),
      h('tbody', {}, summary.by_challenge.map((c) => h('tr', {},
        h('th', { scope: 'row', ...T(`challenge.${c.challenge}.title`) }), h('td', {}, String(c.judged)),
        h('td', {}, String(c.agreed)), cell(c.judged ? c.agreed / c.judged : null)))))),
    h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'operator-table', 'data-testid': 'feedback-ratings' },
      h('caption', T('operator.feedback_ratings')),
      h('thead', {}, h('tr', {}, col('operator.feedback_module'), col('operator.feedback_ratings'),
        col('operator.feedback_mean'))),
      h('tbody', {}, summary.ratings.map((r) => h('tr', {},
        h('th', { scope: 'row' }, r.module_id), h('td', {}, String(r.ratings)), h('td', {}, r.mean_stars.toFixed(1))))))),
    h('p', { class: 'muted', ...T('operator.feedback_notes', { n: summary.notes }) }));
}
// --- end of the in-app feedback section

export default {
  title: 'operator.title',
  auth: 'operator',
  async render({ main, signal }) {
    loadStyles();
    const stops = [];
    signal.addEventListener('abort', () => stops.forEach((stop) => stop()));
    const pipeline = PIPELINE.map((spec) => pipelineChart(spec, signal));
    signal.addEventListener('abort', () => pipeline.forEach((chart) => chart.stop()));
    const action = actionSection(signal);
    const [kpis, model, feedback] = await Promise.all([
      api.get('/api/v1/followup/kpis', { signal }),
      modelSection(signal),
      feedbackSection(signal),
      action.refresh(),
      ...pipeline.map((chart) => chart.refresh()),
    ]);
    keepFresh([...pipeline, ...model.live, action], signal);
    append(main,
      h('h1', T('operator.title')),
      h('p', T('operator.intro')),
      h('section', { 'aria-labelledby': 'operator-pipeline' },
        h('h2', { id: 'operator-pipeline', ...T('operator.pipeline') }),
        h('div', { class: 'operator-grid' }, pipeline.map((chart) => chart.box))),
      h('section', { 'aria-labelledby': 'operator-impact' },
        h('h2', { id: 'operator-impact', ...T('operator.impact_title') }),
        h('p', { class: 'muted' }, kpis.impact.method),
        impactChart(kpis.cohorts, stops)),
      model.section,
      action.box,
      feedback);
  },
};
