"""The broker and the database killed -9 under load and started again by the supervisor; the SMTP server down for
minutes. What was accepted meanwhile comes out once they are back, once."""

from __future__ import annotations

from tests.faults import inject
from tests.faults.bench import LONG, Bench, assert_whole
from tests.faults.load import Load

SMTP_DOWN_SECONDS = 180 if LONG else 30
DATABASE_DOWN_SECONDS = 60 if LONG else 10


def test_the_kafka_broker_restarted(bench: Bench) -> None:
    def fault(load: Load) -> str:
        inject.kill(bench.platform, "kafka")
        return "kill -9, started again by the supervisor"

    assert_whole(bench.run("Kafka broker restart", fault))


def test_ferretdb_down_then_restarted(bench: Bench) -> None:
    """Meanwhile writes are refused with 503 and Retry-After (never a 500); the clients' retries get in after."""

    def fault(load: Load) -> str:
        inject.down_for(bench.platform, "ferretdb", DATABASE_DOWN_SECONDS)
        return f"kill -9, down {DATABASE_DOWN_SECONDS} s (writes: 503 + Retry-After), then started again"

    assert_whole(bench.run("FerretDB down and restarted", fault))


def test_the_smtp_server_down_for_minutes(bench: Bench) -> None:
    def fault(load: Load) -> str:
        inject.down_for(bench.platform, "smtp-sink", SMTP_DOWN_SECONDS)
        return f"down {SMTP_DOWN_SECONDS} s; failed sends retried with backoff"

    assert_whole(bench.run(f"SMTP down {SMTP_DOWN_SECONDS} s", fault))
