"""Imports into a real MongoDB-wire database (FerretDB or MongoDB): counts, idempotency, cache loading."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymongo
import pytest

from shared.referential import ReferentialCache, connect_referential
from shared.referential.connection import disconnect_referential
from shared.referential.importer import StepReport, import_all, import_seed
from shared.referential.models import JobGroup, JobTitle, MarketStat

pytestmark = pytest.mark.integration

DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture
def referential_db(mongo_url: str) -> Iterator[str]:
    """A fresh database per test behind the "referential" alias, dropped afterwards."""
    name = f"test_referential_{uuid.uuid4().hex[:10]}"
    connect_referential(mongo_url, name)
    try:
        yield name
    finally:
        disconnect_referential()
        with _client(mongo_url) as client:
            client.drop_database(name)


def _client(url: str) -> pymongo.MongoClient[dict[str, Any]]:
    return pymongo.MongoClient(url)


def _by_step(reports: list[StepReport]) -> dict[str, StepReport]:
    return {report.step: report for report in reports}


def _stored_counts(reports: list[StepReport]) -> dict[str, int]:
    return {report.step: report.stored for report in reports if report.collection}


@pytest.mark.usefixtures("referential_db")
def test_official_files_import_twice_to_the_same_documents() -> None:
    if not DATA_DIR.is_dir():
        pytest.skip(f"official sample files not found in {DATA_DIR}")

    first = _by_step(import_all(DATA_DIR))

    assert _stored_counts(list(first.values())) == {
        "domains": 124,
        "job groups": 531,
        "job titles": 10_968,
        "regions": 18,
        "départements": 101,
        "market stats": 44,  # 26 with a tension figure, 18 with contract mix or BMO figures only
        "hiring channels": 4,
    }
    assert first["job titles"].parse.skipped == {"unknown job group": 22}
    assert first["market stats"].parse.skipped == {
        "bad ROME code": 1,
        "bad or future month": 34,
        "missing value": 1,
        "not a département row": 5,
    }
    assert first["job groups"].written.inserted == 531

    second = _by_step(import_all(DATA_DIR))

    assert _stored_counts(list(second.values())) == _stored_counts(list(first.values()))
    assert all(report.written.inserted == report.written.updated == 0 for report in second.values())
    assert JobGroup.objects.count() == len(JobGroup.objects.distinct("rome_code")) == 531
    assert JobTitle.objects.count() == len(JobTitle.objects.distinct("code_ogr"))
    stat = MarketStat.objects.get(departement_id="10", rome_code="F1401")
    assert stat.offers_per_10_candidates == 0
    assert not stat.synthetic
    roads = ReferentialCache.load().market_facts("09", "F1702")
    assert roads is not None
    assert [(share.contract, share.percent_offers) for share in roads.contract_mix][0] == ("INTERIM", 76.47)
    assert MarketStat.objects.get(departement_id="971", rome_code="F1701").hiring_projects == 18.1


@pytest.mark.usefixtures("referential_db")
def test_seed_import_is_idempotent_and_feeds_the_cache() -> None:
    first = import_seed()
    second = import_seed()

    assert _stored_counts(second) == _stored_counts(first)
    assert _stored_counts(first)["départements"] == 101
    assert all(report.written.inserted == report.written.updated == 0 for report in second)

    cache = ReferentialCache.load()
    facts = cache.market_facts("31", "M1607")

    assert facts is not None
    assert facts == ReferentialCache.from_seed().market_facts("31", "M1607")
    assert facts.synthetic
    assert facts.job_group_name == "Secrétariat"
    assert facts.related_rome_codes == ["M1602"]
    assert cache.is_known_rome("M1607")
    assert cache.is_known_departement("2A")
    assert cache.search_job_titles("secretaire")[0].rome_code == "M1607"


def test_changed_figures_are_updated_in_place(mongo_url: str, referential_db: str) -> None:
    import_seed()
    with _client(mongo_url) as client:
        client[referential_db]["market_stats"].update_one(
            {"_id": "31:M1607"}, {"$set": {"offers_per_10_candidates": 99.0}}
        )

    reports = _by_step(import_seed())

    assert reports["market stats"].written.updated == 1
    assert reports["market stats"].written.inserted == 0
    assert MarketStat.objects.get(departement_id="31", rome_code="M1607").offers_per_10_candidates != 99.0
