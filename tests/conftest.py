"""Test harness: Kafka and MongoDB come from, in order, environment variables, testcontainers when a Docker
engine answers, or the project's own local processes on free ports (so tests run beside `make run`).

Only the last is the secured broker (SASL/SCRAM on every listener, ACLs, every service under its own principal);
the first two take the broker as given: BOB_TEST_KAFKA_USERNAME/PASSWORD name its admin when it wants one, and the
testcontainers broker asks for none. Tests about the broker's security skip there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.local.platform import Platform, PlatformConfig
from shared.messaging.kafka import KafkaAccess, ensure_topics
from tests import support


@dataclass(frozen=True)
class Infra:
    kafka: KafkaAccess  # as the admin (super user): tests read every topic and publish anywhere
    mongo_url: str
    platform: Platform | None  # set when the project's own processes serve the infrastructure


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    bootstrap, mongo = os.environ.get("BOB_TEST_KAFKA_BOOTSTRAP"), os.environ.get("BOB_TEST_MONGO_URL")
    if bootstrap and mongo:
        given = KafkaAccess(
            bootstrap, os.environ.get("BOB_TEST_KAFKA_USERNAME"), os.environ.get("BOB_TEST_KAFKA_PASSWORD")
        )
        ensure_topics(given)
        yield Infra(given, mongo, None)
    elif _docker_answers():
        from testcontainers.community.kafka import KafkaContainer
        from testcontainers.community.mongodb import MongoDbContainer

        with KafkaContainer().with_kraft() as kafka, MongoDbContainer("mongo:7") as mongodb:
            container = KafkaAccess(kafka.get_bootstrap_server())
            ensure_topics(container)
            yield Infra(container, mongodb.get_connection_url(), None)
    else:
        platform = Platform(PlatformConfig.on_free_ports(tmp_path_factory.mktemp("infra")))
        try:
            platform.start_infra()
            yield Infra(platform.kafka(), platform.config.mongo_url, platform)
        finally:
            platform.down()


@pytest.fixture(scope="session")
def kafka_bootstrap(infra: Infra) -> KafkaAccess:
    """The broker as the admin principal: what `make_producer`, `read_topic` and a Relay take."""
    return infra.kafka


@pytest.fixture(scope="session")
def mongo_url(infra: Infra) -> str:
    return infra.mongo_url


@pytest.fixture(scope="session")
def platform(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The whole platform (services, workers, gateway) on free ports, seeded with the demo data."""
    if infra.platform is not None:
        running = infra.platform
    else:
        config = PlatformConfig.on_free_ports(tmp_path_factory.mktemp("services"))
        config.external_kafka, config.external_mongo = infra.kafka, infra.mongo_url
        running = Platform(config)
    try:
        running.seed()
        running.start_services()
        support.use_key_store(running.config.mongo_url)
        yield running
    finally:
        if infra.platform is None:
            running.down()  # else the infra fixture stops everything it and we started


TIERS = ("unit", "integration", "e2e", "browser", "faults")
INFRA_FIXTURES = frozenset({"infra", "kafka_bootstrap", "mongo_url", "platform"})
TESTS = Path(__file__).parent


def _tier(item: pytest.Item) -> str | None:
    """The tier is the first directory under tests/."""
    if not item.path.is_relative_to(TESTS):
        return None
    parts = item.path.relative_to(TESTS).parts
    return parts[0] if len(parts) > 1 and parts[0] in TIERS else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test gets its directory's marker (`-m unit` and so on). Fuzzing runs last: its random (valid) documents
    and requests stay in the shared platform, and matching serves the longest-waiting request first, so they would
    be matched before the flows tested elsewhere."""
    for item in items:
        if (tier := _tier(item)) is not None:
            item.add_marker(tier)
    items.sort(key=lambda item: (_tier(item) == "faults", item.path.name == "test_api_fuzzing.py"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A unit test must not start Kafka or MongoDB: it fails before its fixtures are set up."""
    needed = INFRA_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    if _tier(item) == "unit" and needed:
        pytest.fail(
            f"{item.nodeid} is under tests/unit but needs {sorted(needed)}: unit tests are pure; "
            "move it to tests/integration (git mv) or give it fakes",
            pytrace=False,
        )
