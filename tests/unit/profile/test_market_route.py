"""The public local-market route: one département's figures against its region's and the country's, named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.profile.entrypoints.api import app
from shared.referential.repository import ReferentialCache
from tests.unit.profile.support import replaced

SEED = ReferentialCache.from_seed()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with replaced(app, referential=SEED):
        yield TestClient(app)  # no token: the route is public


def test_a_market_is_named_and_compared_with_its_region_and_the_country(client: TestClient) -> None:
    body = client.get("/api/v1/referential/markets/D1505/31").json()
    assert body["job"] == {"fr": "« Personnel de caisse »", "en": "checkout work (cashier)"}
    assert body["place"] == {"fr": "la Haute-Garonne (31)", "en": "Haute-Garonne (31)"}
    assert body["facts"]["offers_per_10_candidates"] == 3.0
    region = body["region"]
    assert "31" in [place["departement_id"] for place in region]
    assert [place["offers_per_10_candidates"] for place in region] == sorted(
        (place["offers_per_10_candidates"] for place in region), reverse=True)
    occitanie = {
        dep for dep in (f"{n:02d}" for n in range(1, 96)) if (d := SEED.departement(dep)) and d.region_id == "76"
    }
    assert {place["departement_id"] for place in region} <= occitanie
    assert {"fr": "le Lot (46)", "en": "Lot (46)"} in [place["name"] for place in region]
    assert body["national_median_offers_per_10_candidates"] > 0
    assert body["departements_with_figures"] > 50


def test_a_market_without_a_local_row_still_answers_with_national_facts(client: TestClient) -> None:
    body = client.get("/api/v1/referential/markets/M1607/69").json()  # 69 M1607 has no row in the seed
    assert body["facts"]["national_only"] is True
    assert body["facts"]["offers_per_10_candidates"] is None
    assert body["facts"]["first_hiring_channel"]


def test_unknown_codes_are_refused(client: TestClient) -> None:
    assert client.get("/api/v1/referential/markets/Z9999/31").status_code == 422
    assert client.get("/api/v1/referential/markets/A0000/31").status_code == 404


def test_the_national_median() -> None:
    cache = ReferentialCache.from_seed()
    figures = sorted(
        offers for dep in (f"{n:02d}" for n in range(1, 96))
        if (facts := cache.market_facts(dep, "D1505")) and (offers := facts.offers_per_10_candidates) is not None
    )
    median, counted = cache.national_median("D1505")
    assert median is not None
    assert sum(value < median for value in figures) <= len(figures) // 2
    assert sum(value > median for value in figures) <= len(figures) // 2
    assert counted >= len(figures)
    assert cache.national_median("A0000") == (None, 0)
