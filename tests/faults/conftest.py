"""The fault-injection suite runs on the session's platform with its supervisor, after every other test (it kills
the broker and the database). `make test` runs the short variant; `make faults` (BOB_FAULTS=long) kills every
process, keeps things down longer and loads more. The table of every scenario is printed at the end."""

from __future__ import annotations

import httpx
import pytest

from deploy.local.platform import Platform
from shared.messaging.kafka import KafkaAccess
from tests.faults.bench import Bench
from tests.faults.outcome import ROWS, table
from tests.support import wait_for


@pytest.fixture(scope="session")
def bench(platform: Platform, kafka_bootstrap: KafkaAccess) -> Bench:
    if platform.config.external_kafka is not None:
        pytest.skip("faults are injected into the project's own broker and database processes")
    if platform.procs.supervisor_pid() is None:
        platform.start_supervisor()

    def metrics() -> str | None:
        try:
            return platform.supervisor_metrics()
        except httpx.HTTPError:
            return None

    wait_for("the supervisor", metrics)
    return Bench(platform, kafka_bootstrap)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ROWS:
        terminalreporter.write_sep("=", "faults: what went in, what came out")
        terminalreporter.write_line(table(ROWS))
