// The operator page's employability model section (the learning loop): the version the workers use and every
// version of the registry (the operators' API), the release gate's checks of the latest trained version (named as
// in its model card, the failed ones first to the eye), and the live score distribution per version (the
// diagnosis workers' histogram, from Prometheus through the gateway).
import { api } from '../api.js';
import { append, h, T } from '../dom.js';
import { instantQuery, percent } from './operator-charts.js';

const SCORES = 'sum by (version, le) (bob_diagnosis_employability_score_bucket)';
const STATUS = {
  candidate: 'operator.model.status.candidate', released: 'operator.model.status.released',
  refused: 'operator.model.status.refused', retired: 'operator.model.status.retired',
};
const versionNumber = (version) => Number(version.split('-v').pop());
const fixed = (value) => (value === null || value === undefined ? '–' : value.toFixed(3));
const when = (iso) => (iso ? h('span', { 'data-date': iso }) : '–');

function auc(metrics) {
  if (metrics.auc === undefined) return '–';
  return metrics.auc_low === undefined ? fixed(metrics.auc)
    : `${fixed(metrics.auc)} [${fixed(metrics.auc_low)} ; ${fixed(metrics.auc_high)}]`;
}

function versionsTable(models) {
  const head = ['operator.model.col.version', 'operator.model.col.status', 'operator.model.col.trained',
    'operator.model.col.window', 'operator.model.col.auc', 'operator.model.col.calibration', 'operator.model.col.psi'];
  return h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'operator-table', 'data-testid': 'model-versions' },
    h('caption', T('operator.model.versions')),
    h('thead', {}, h('tr', {}, head.map((key) => h('th', { scope: 'col', ...T(key) })))),
    h('tbody', {}, models.map((m) => h('tr', { class: m.released ? 'model-released' : null },
      h('th', { scope: 'row' }, m.version),
      h('td', T(STATUS[m.status])),
      h('td', {}, when(m.created_at)),
      h('td', {}, m.window.from ? [when(m.window.from), ' → ', when(m.window.to)] : '–'),
      h('td', {}, auc(m.metrics)),
      h('td', {}, fixed(m.metrics.calibration_error)),
      h('td', {}, fixed(m.checks.find((c) => c.name === 'psi')?.value)))))));
}

function result(check) {
  if (check.passed) return h('span', { class: 'badge PASSED', ...T('operator.model.pass') });
  return h('span', { class: 'badge NEEDS_ATTENTION', ...T(check.approvable ? 'operator.model.approval'
    : 'operator.model.fail') });
}

function gateChecks(models) {
  const latest = models.find((m) => m.checks.length);
  if (!latest) return h('p', T('operator.model.no_trained'));
  const failed = latest.checks.filter((c) => !c.passed).map((c) => c.name);
  return h('div', { 'data-testid': 'model-gate' },
    h('h3', T('operator.model.gate', { version: latest.version })),
    h('p', {}, h('span', T(STATUS[latest.status])), ' – ',
      failed.length ? h('strong', { class: 'gate-failed', ...T('operator.model.gate_failed',
        { checks: failed.join(', ') }) }) : h('span', T('operator.model.gate_passed'))),
    h('div', { class: 'table-scroll', tabindex: '0' }, h('table', { class: 'operator-table' },
      h('caption', T('operator.model.checks', { version: latest.version })),
      h('thead', {}, h('tr', {}, ['operator.model.col.check', 'operator.model.col.result', 'operator.model.col.detail']
        .map((key) => h('th', { scope: 'col', ...T(key) })))),
      h('tbody', {}, latest.checks.map((c) => h('tr', { class: c.passed ? null : 'check-failed' },
        h('th', { scope: 'row' }, h('code', {}, c.name)),
        h('td', {}, result(c)),
        h('td', { class: 'detail' }, c.detail)))))));
}

/** Prometheus's cumulative buckets per version as [{version, total, bands: [{upper, count}]}], newest first. */
export function distributions(samples) {
  const byVersion = new Map();
  for (const { metric, value } of samples) {
    const upper = metric.le === '+Inf' ? Infinity : Number(metric.le);
    if (!byVersion.has(metric.version)) byVersion.set(metric.version, []);
    byVersion.get(metric.version).push({ upper, cumulative: Number(value[1]) });
  }
  return [...byVersion.entries()].sort(([a], [b]) => versionNumber(b) - versionNumber(a)).map(([version, rows]) => {
    rows.sort((a, b) => a.upper - b.upper);
    const bands = rows.filter((r) => Number.isFinite(r.upper))
      .map((r, i, all) => ({ upper: r.upper, count: r.cumulative - (i ? all[i - 1].cumulative : 0) }));
    return { version, total: rows.at(-1)?.cumulative ?? 0, bands };
  });
}

/** The live score distribution: its box, whose table `refresh` rebuilds from Prometheus. */
function scoreDistribution(signal) {
  const area = h('div', { class: 'table-scroll', tabindex: '0' });
  const refresh = async () => {
    const versions = distributions(await instantQuery(SCORES, { signal })).filter((v) => v.total > 0);
    area.replaceChildren();
    if (!versions.length) {
      append(area, h('p', T('operator.no_data')));
      return;
    }
    const uppers = versions[0].bands.map((b) => b.upper);
    append(area, h('table', { class: 'operator-table', 'data-testid': 'model-scores' },
      h('caption', T('operator.model.scores_table')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', ...T('operator.model.col.band') }),
        versions.map((v) => h('th', { scope: 'col' }, v.version)))),
      h('tbody', {},
        uppers.map((upper, i) => h('tr', {},
          h('th', { scope: 'row' }, `${percent(i ? uppers[i - 1] : 0)} – ${percent(upper)}`),
          versions.map((v) => {
            const share = (v.bands[i]?.count ?? 0) / v.total;
            return h('td', {}, h('meter', { min: 0, max: 1, value: share, 'aria-hidden': 'true' }), ' ',
              percent(share));
          }))),
        h('tr', {}, h('th', { scope: 'row', ...T('operator.model.estimates') }),
          versions.map((v) => h('td', {}, String(v.total)))))));
  };
  const box = h('figure', { class: 'card operator-chart', 'data-testid': 'operator.model.scores' },
    h('figcaption', {}, h('h3', T('operator.model.scores')), h('p', { class: 'muted', ...T('operator.model.scores_hint') })),
    area);
  return { box, refresh };
}

/** The section, and the live part the page refreshes with its charts. */
export async function modelSection(signal) {
  const scores = scoreDistribution(signal);
  const [registry] = await Promise.all([
    api.get('/api/v1/diagnosis/models', { signal }).catch((error) => {
      if (error.name === 'AbortError') throw error;
      return null;
    }),
    scores.refresh(),
  ]);
  const section = h('section', { 'aria-labelledby': 'operator-model', 'data-testid': 'operator-model' },
    h('h2', { id: 'operator-model', ...T('operator.model.title') }),
    h('p', T('operator.model.intro')));
  if (registry === null) {
    append(section, h('p', { class: 'error', ...T('operator.model.unavailable') }), scores.box);
    return { section, live: [scores] };
  }
  const models = [...registry.models].sort((a, b) => versionNumber(b.version) - versionNumber(a.version));
  append(section,
    h('p', {}, registry.released ? h('strong', T('operator.model.in_use', { version: registry.released }))
      : h('span', T('operator.model.none'))),
    versionsTable(models),
    gateChecks(models),
    scores.box);
  return { section, live: [scores] };
}
