"""The operators' Grafana dashboards, as code (grafanalib's public API): pipeline health, and impact with the
employability model's row (the learning loop).
`python -m deploy.grafana.dashboard` rewrites deploy/grafana/dashboards/*.json (provisioned under compose); a test
checks the committed files match, and tests/e2e/test_dashboards.py evaluates every panel's query against a live
platform's Prometheus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grafanalib.core import BarGauge, Dashboard, GridPos, RowPanel, Stat, Target, TimeSeries  # type: ignore[import-untyped]

DASHBOARDS = Path(__file__).parent / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
WIDTH, HEIGHT = 12, 8


def _series(title: str, expr: str, legend: str, unit: str = "short") -> TimeSeries:
    return TimeSeries(title=title, dataSource=DATASOURCE, unit=unit,
                      targets=[Target(expr=expr, legendFormat=legend, refId="A")])


def _stat(title: str, expr: str, legend: str, unit: str = "short", **options: Any) -> Stat:
    return Stat(title=title, dataSource=DATASOURCE, format=unit, reduceCalc="lastNotNull",
                targets=[Target(expr=expr, legendFormat=legend, refId="A")], **options)


def _laid_out(title: str, uid: str, panels: list[Any], rows: dict[str, list[Any]] | None = None) -> Dashboard:
    """Two panels a row, in the order given, then each titled row (a full-width header) with its panels."""
    every: list[Any] = []
    y = 0
    for header, group in [(None, panels), *(rows or {}).items()]:
        if header is not None:
            every.append(RowPanel(title=header, gridPos=GridPos(h=1, w=2 * WIDTH, x=0, y=y)))
            y += 1
        for i, panel in enumerate(group):
            panel.gridPos = GridPos(h=HEIGHT, w=WIDTH, x=(i % 2) * WIDTH, y=y + (i // 2) * HEIGHT)
        every += group
        y += (len(group) + 1) // 2 * HEIGHT
    return Dashboard(title=title, uid=uid, timezone="browser", panels=every).auto_panel_ids()


def pipeline() -> Dashboard:
    return _laid_out("Bob: pipeline health", "bob-pipeline", [
        _series("HTTP requests / s", "sum by (service, status) (rate(bob_http_requests_total[1m]))",
                "{{service}} {{status}}", "reqps"),
        _series("HTTP p95 latency", "histogram_quantile(0.95, sum by (le, service) "
                "(rate(bob_http_request_seconds_bucket[5m])))", "{{service}}", "s"),
        _series("Events consumed / s", "sum by (service, outcome) (rate(bob_events_consumed_total[1m]))",
                "{{service}} {{outcome}}", "ops"),
        _series("Records appended / s, by topic", "sum by (topic) (rate(bob_topic_end_offset[1m]))", "{{topic}}",
                "ops"),
        _series("Consumer lag (from the group offsets)", "sum by (group, topic) (bob_consumer_group_lag)",
                "{{group}} {{topic}}"),
        _series("Dead letters (last 5 min)",
                'sum by (service, consumer) (increase(bob_events_consumed_total{outcome="dead_letter"}[5m]))',
                "{{service}} {{consumer}}"),
        _series("Outbox: oldest pending event", "max by (service) (bob_outbox_oldest_pending_seconds)",
                "{{service}}", "s"),
        _series("Outbox: events pending", "max by (service) (bob_outbox_pending)", "{{service}}"),
        _series("Profile submitted to advice stored, p95",
                "histogram_quantile(0.95, sum by (le) (rate(bob_pipeline_seconds_bucket[5m])))", "p95", "s"),
        _series("Batch processing p95", "histogram_quantile(0.95, sum by (le, service) "
                "(rate(bob_event_processing_seconds_bucket[5m])))", "{{service}}", "s"),
        _series("Emails / s", "sum by (outcome) (rate(bob_notifications_total[5m]))", "{{outcome}}", "ops"),
        _series("Gateway connections", "sum by (job) (nginx_connections_active)", "active"),
        _series("Processes up", "up", "{{process}}"),
        _series("Follow-up people overdue", "max(bob_followup_overdue_people)", "overdue"),
    ])


def impact() -> Dashboard:
    return _laid_out("Bob: impact", "bob-impact", [
        _series("Back at work: treated minus control, 95% interval",
                'max by (bound) (bob_followup_impact{signup_month="all"})', "{{bound}}", "percentunit"),
        _series("Back at work by sign-up month and group",
                'max by (signup_month, group) (bob_followup_back_at_work_rate{signup_month!="all"})',
                "{{signup_month}} {{group}}", "percentunit"),
        _series("Effect by sign-up month (treated minus control)",
                'max by (signup_month, bound) (bob_followup_impact{signup_month!="all"})',
                "{{signup_month}} {{bound}}", "percentunit"),
        _series("Sign-ups by month and group", "max by (signup_month, group) (bob_followup_signups)",
                "{{signup_month}} {{group}}"),
        _series("Survey response rate by sign-up month",
                'max by (signup_month) (bob_followup_share{figure="response_rate",signup_month!="all"})',
                "{{signup_month}}", "percentunit"),
        _series("Satisfied, helped (all months)",
                'max by (figure) (bob_followup_share{signup_month="all",figure!="response_rate"})', "{{figure}}",
                "percentunit"),
        _stat("Surveys sent", 'max(bob_followup_surveys_sent{signup_month="all"})', "sent"),
        _stat("Respondents by group", 'max by (group) (bob_followup_respondents{signup_month="all"})', "{{group}}"),
        _series("Pledges by kind", "max by (kind, state) (bob_pledges)", "{{kind}} {{state}}"),
        _series("Reviews by state", "max by (kind, state) (bob_reviews)", "{{kind}} {{state}}"),
        _stat("Confirmed helpers", "max(bob_helpers)", "helpers"),
        _stat("Coffees matched", "max(bob_coffees)", "coffees"),
    ], {"Model": model()})


PASS_FAIL = [{"type": "value", "options": {"0": {"text": "FAIL", "color": "red"},
                                          "1": {"text": "pass", "color": "green"}}}]
PASS_FAIL_STEPS = [{"color": "red", "value": None}, {"color": "green", "value": 1}]


def model() -> list[Any]:
    """The employability model (the learning loop): the version the workers estimate with, the registry's versions
    and the release gate's checks of the latest trained one (from the registry, served by every diagnosis worker),
    and the live scores by version."""
    return [
        _stat("Model in use (per worker)", "max by (version) (bob_diagnosis_model_info)", "{{version}}",
              textMode="name"),
        _stat("Model versions by status", "max by (version, status) (bob_diagnosis_model_status)",
              "{{version}}: {{status}}", textMode="name"),
        _stat("Release gate: checks of the latest trained version",
              "min by (version, check) (bob_diagnosis_model_gate_check)", "{{version}} {{check}}",
              textMode="value_and_name", colorMode="background", mappings=PASS_FAIL, thresholds=PASS_FAIL_STEPS),
        _stat("Held-out AUC by version (95% interval)", "max by (version, bound) (bob_diagnosis_model_auc)",
              "{{version}} {{bound}}", decimals=3),
        BarGauge(title="Scores by model version (estimates since the workers started)", dataSource=DATASOURCE,
                 calc="lastNotNull", orientation="horizontal",
                 targets=[Target(expr="sum by (version, le) (bob_diagnosis_employability_score_bucket)",
                                 legendFormat="{{version}} score <= {{le}}", refId="A")]),
        _series("Estimates / s by model version",
                'sum by (version) (rate(bob_diagnosis_employability_score_bucket{le="+Inf"}[5m]))', "{{version}}",
                "ops"),
    ]


def dashboards() -> dict[str, Dashboard]:
    return {"pipeline.json": pipeline(), "impact.json": impact()}


def _plain(value: Any) -> Any:
    """json.dumps' `default`: grafanalib objects turn into JSON through their public `to_json_data`."""
    return value.to_json_data()


def render(board: Dashboard) -> str:
    return json.dumps(board.to_json_data(), default=_plain, indent=2, sort_keys=True) + "\n"


def queries(board: Dashboard) -> list[tuple[str, str]]:
    """(panel title, PromQL) of every panel."""
    return [(panel.title, target.expr) for panel in board.panels for target in panel.targets]


if __name__ == "__main__":
    for stale in DASHBOARDS.glob("*.json"):
        stale.unlink()
    for name, board in dashboards().items():
        (DASHBOARDS / name).write_text(render(board))
