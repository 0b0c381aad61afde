// Charts of the operator page, drawn by the vendored uPlot (web/vendor/uplot/README.md) from Prometheus's answers
// (proxied by the gateway for operators: /api/v1/monitoring/query and /query_range).
import { api } from '../api.js';
import { h } from '../dom.js';
import uPlot from '../vendor/uplot/uPlot.esm.js';

// Distinct hues, each at least 4.5:1 against white (the lines are thin).
const COLOURS = ['#1f4fbf', '#b3261e', '#0b6b3a', '#8a4b00', '#6a1b9a', '#00607a', '#5f6368', '#a0004f'];
const STYLESHEETS = ['vendor/uplot/uPlot.min.css', 'pages/operator.css'];

/** The page's stylesheets, once (a <link> to our own origin: the Content-Security-Policy allows it). */
export function loadStyles() {
  for (const href of STYLESHEETS) {
    if (!document.querySelector(`link[href="${href}"]`)) {
      document.head.append(h('link', { rel: 'stylesheet', href }));
    }
  }
}

export async function rangeQuery(expr, { minutes, stepSeconds, signal }) {
  const end = Math.floor(Date.now() / 1000);
  const params = new URLSearchParams({ query: expr, start: String(end - minutes * 60), end: String(end),
    step: String(stepSeconds) });
  const body = await api.get(`/api/v1/monitoring/query_range?${params}`, { signal });
  return body.data.result;
}

export async function instantQuery(expr, { signal }) {
  const body = await api.get(`/api/v1/monitoring/query?${new URLSearchParams({ query: expr })}`, { signal });
  return body.data.result;
}

/** Named series of Prometheus's range results ({name, values: [[t, "v"], ...]}) as uPlot's columns: the times,
 * then one array per series, gaps as null. */
export function columns(named) {
  const times = [...new Set(named.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const series = named.map((s) => {
    const values = new Array(times.length).fill(null);
    for (const [t, v] of s.values) {
      const number = Number(v);
      values[index.get(t)] = Number.isFinite(number) ? number : null;
    }
    return { label: s.name, values };
  });
  return { times, series };
}

function width(container) {
  return Math.max(260, Math.min(container.clientWidth || 640, 900));
}

/**
 * A line chart in `container`: x is time (seconds), one line per series. `format` writes the y values.
 * Returns a function that stops following the container's width.
 */
export function lineChart(container, { times, series }, { format = (v) => String(v), bands = [] } = {}) {
  const options = {
    width: width(container),
    height: 220,
    series: [{}, ...series.map((s, i) => ({
      label: s.label, stroke: s.colour ?? COLOURS[i % COLOURS.length], width: 2, dash: s.dash,
      value: (_, v) => (v === null || v === undefined ? '–' : format(v)),
    }))],
    bands,
    axes: [{}, { values: (_, ticks) => ticks.map(format), size: 60 }],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
  const chart = new uPlot(options, [times, ...series.map((s) => s.values)], container);
  const resize = new ResizeObserver(() => chart.setSize({ width: width(container), height: 220 }));
  resize.observe(container);
  return () => {
    resize.disconnect();
    chart.destroy();
  };
}

export const percent = (v) => `${Math.round(v * 1000) / 10} %`;
export const seconds = (v) => {
  if (v >= 120) return `${Math.round(v / 60)} min`;
  return v >= 1 || v === 0 ? `${Math.round(v * 10) / 10} s` : `${Math.round(v * 1000)} ms`;
};
export const count = (v) => String(Math.abs(v) >= 100 ? Math.round(v) : Number(v.toPrecision(2)));
