"""One scenario: a load, a fault injected under it, then the count of what came out (tests/faults/outcome.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from deploy.local.platform import Platform
from shared.messaging.kafka import KafkaAccess
from tests.faults.load import Load
from tests.faults.outcome import ROWS, Row, count_duplicates, drain

# `make faults`: every process, longer outages, more load.
LONG = os.environ.get("BOB_FAULTS") == "long"
Fault = Callable[[Load], str | None]  # injects the fault and returns once it is over, with a note for the table


@dataclass
class Bench:
    platform: Platform
    kafka: KafkaAccess

    @property
    def rate(self) -> float:
        return 6.0 if LONG else 3.0

    def run(self, scenario: str, fault: Fault, *, warmup: float = 4.0, settle: float = 0.0,
            drain_timeout: float = 300.0) -> Row:
        """The load runs from before the fault until it is over; the row counts what it got in and out."""
        tag = "fault-" + "".join(c if c.isalnum() else "-" for c in scenario.lower())[:40]
        load = Load(self.platform.config.gateway_url, tag, self.rate, self.rate / 2).start()
        try:
            load.wait_for_accepted()
            time.sleep(warmup)
            injected = time.monotonic()
            note = fault(load) or ""
        finally:
            lifted = time.monotonic()
            accepted = load.stop()
        row = Row(scenario, note=note, down_seconds=lifted - injected, retries=accepted.retries)
        drain(row, accepted, self.platform.config.gateway_url, self.platform.config.maildir, lifted, drain_timeout)
        time.sleep(settle)
        count_duplicates(row, accepted, self.kafka, self.platform.config.maildir)
        if accepted.already_stored:
            told = f"{accepted.already_stored} retries told the profile exists (stored, then the API died)"
            row.note = f"{row.note}; {told}"
        if accepted.gave_up:
            row.note = f"{row.note}; {accepted.gave_up} writes given up".lstrip("; ")
        ROWS.append(row)
        return row


def assert_whole(row: Row) -> None:
    """Nothing accepted lost, nothing done twice."""
    assert not row.unsettled, f"{row.scenario}: not out: {row.unsettled[:5]}"
    assert row.lost == 0, row
    assert row.duplicates == 0, f"{row.scenario}: {row.duplicates} duplicates"
    assert row.profiles_in > 0, f"{row.scenario}: no profile got in"
    assert row.emails_in > 0, f"{row.scenario}: no sign-in link got in"
