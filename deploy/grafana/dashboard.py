"""The operators' Grafana dashboard, as code (grafanalib). `python -m deploy.grafana.dashboard` rewrites
deploy/grafana/dashboards/bob.json; a test checks the committed file matches."""

from __future__ import annotations

import json
from pathlib import Path

from grafanalib._gen import DashboardEncoder  # type: ignore[import-untyped]
from grafanalib.core import Dashboard, GridPos, Target, TimeSeries  # type: ignore[import-untyped]

OUTPUT = Path(__file__).parent / "dashboards" / "bob.json"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}


def _panel(title: str, expr: str, legend: str, x: int, y: int, unit: str = "short") -> TimeSeries:
    return TimeSeries(
        title=title, dataSource=DATASOURCE, unit=unit, gridPos=GridPos(h=8, w=12, x=x, y=y),
        targets=[Target(expr=expr, legendFormat=legend, refId="A")],
    )


def build() -> Dashboard:
    return Dashboard(
        title="Bob platform", uid="bob-platform", timezone="browser",
        panels=[
            _panel("HTTP requests / s", "sum by (service, status) (rate(bob_http_requests_total[1m]))",
                   "{{service}} {{status}}", 0, 0, "reqps"),
            _panel("HTTP p95 latency", "histogram_quantile(0.95, sum by (le, service) "
                   "(rate(bob_http_request_seconds_bucket[5m])))", "{{service}}", 12, 0, "s"),
            _panel("Events consumed / s", "sum by (service, outcome) (rate(bob_events_consumed_total[1m]))",
                   "{{service}} {{outcome}}", 0, 8, "ops"),
            _panel("Events produced / s", "sum by (topic) (rate(bob_events_produced_total[1m]))",
                   "{{topic}}", 12, 8, "ops"),
            _panel("Consumer lag", "sum by (service, topic) (bob_consumer_lag)", "{{service}} {{topic}}", 0, 16),
            _panel("Outbox pending", "bob_outbox_pending", "{{service}}", 12, 16),
            _panel("Batch processing p95", "histogram_quantile(0.95, sum by (le, service) "
                   "(rate(bob_event_processing_seconds_bucket[5m])))", "{{service}}", 0, 24, "s"),
            _panel("Dead letters / s", 'sum by (service) (rate(bob_events_consumed_total{outcome="dead_letter"}[5m]))',
                   "{{service}}", 12, 24, "ops"),
        ],
    ).auto_panel_ids()


def render() -> str:
    return json.dumps(build().to_json_data(), cls=DashboardEncoder, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(render())
