"""The bundled seed must let demos show every case: all domains, all départements, every market state."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from shared.referential.parsers import insee_geo, rome_job_groups
from shared.referential.repository import ReferentialCache
from shared.referential.seed_builder import SEED_JOB_GROUPS, synthetic_market_stats
from shared.referential.seed_files import MARKET_STATS_FILE, SEED_DIR, SYNTHETIC_SOURCE, Seed, read_seed
from shared.schemas.market import MarketState


@pytest.fixture(scope="module")
def seed() -> Seed:
    return read_seed()


def test_seed_is_small() -> None:
    assert sum(path.stat().st_size for path in SEED_DIR.iterdir()) < 1_000_000


def test_job_groups_cover_all_14_letters_with_official_names(seed: Seed, rome_dir: Path) -> None:
    official = {g.rome_code: g.name for g in rome_job_groups.parse_job_groups(rome_dir / rome_job_groups.FILE_NAME)}

    assert {group.domain_letter for group in seed.job_groups} == set("ABCDEFGHIJKLMN")
    assert 55 <= len(seed.job_groups) <= 70
    assert {group.rome_code: group.name for group in seed.job_groups}.items() <= official.items()
    assert all(group.domain_name and group.subdomain_name for group in seed.job_groups)


def test_job_titles_belong_to_seed_job_groups(seed: Seed) -> None:
    codes = {group.rome_code for group in seed.job_groups}

    assert 200 <= len(seed.job_titles) <= 600
    assert {title.rome_code for title in seed.job_titles} == codes
    assert len({title.code_ogr for title in seed.job_titles}) == len(seed.job_titles)


def test_all_departements_and_regions(seed: Seed, geo_dir: Path) -> None:
    official = list(insee_geo.parse_departements(geo_dir / insee_geo.DEPARTEMENTS_FILE))

    assert len(seed.departements) == 101
    assert {dep.departement_id: dep.region_id for dep in seed.departements} == {
        dep.departement_id: dep.region_id for dep in official
    }
    assert len(seed.regions) == 18
    assert {dep.region_id for dep in seed.departements} == {region.region_id for region in seed.regions}


def test_market_figures_are_labelled_synthetic(seed: Seed) -> None:
    assert all(stat.synthetic and stat.source == SYNTHETIC_SOURCE for stat in seed.market_stats)
    assert all(stat.synthetic and stat.source == SYNTHETIC_SOURCE for stat in seed.job_group_stats)
    assert {stat.rome_code for stat in seed.job_group_stats} == set(SEED_JOB_GROUPS)


def test_every_market_state_appears(seed: Seed) -> None:
    cache = ReferentialCache.from_seed()
    states = {state: 0 for state in MarketState}
    for dep in seed.departements:
        for group in seed.job_groups:
            facts = cache.market_facts(dep.departement_id, group.rome_code)
            states[facts.state if facts else MarketState.MISSING_DATA] += 1

    assert all(count > 0 for count in states.values()), states
    assert cache.market_facts("31", "M1607") is not None


def test_market_file_is_reproducible(seed: Seed) -> None:
    regenerated = synthetic_market_stats(SEED_JOB_GROUPS, (dep.departement_id for dep in seed.departements))

    with (SEED_DIR / MARKET_STATS_FILE).open(encoding="utf-8", newline="") as file:
        committed = [
            (row["departement_id"], row["rome_code"], float(row["offers_per_10_candidates"]))
            for row in csv.DictReader(file)
        ]
    assert [(s.departement_id, s.rome_code, s.offers_per_10_candidates) for s in regenerated] == committed


def test_market_rows_with_offers_have_a_contract_mix_and_hiring_intentions(seed: Seed) -> None:
    with_offers = [stat for stat in seed.market_stats if stat.offers_per_10_candidates]
    without = [stat for stat in seed.market_stats if stat.offers_per_10_candidates == 0]

    assert with_offers
    assert without
    for stat in with_offers:
        percents = [share.percent_offers for share in stat.contract_mix]
        assert {share.contract for share in stat.contract_mix} == {"CDI", "CDD_LONG", "CDD_SHORT", "INTERIM"}
        assert sum(percents) == 100
        assert percents == sorted(percents, reverse=True)
        assert stat.hiring_projects is not None
        assert stat.hiring_projects >= 1
        assert stat.difficult_hiring_percent is not None
        assert 0 <= stat.difficult_hiring_percent <= 100
        assert stat.seasonal_hiring_percent is not None
        assert 0 <= stat.seasonal_hiring_percent <= 100
    # A market with no offers at all shows no contracts offered and no hiring projects.
    assert all(not stat.contract_mix and stat.hiring_projects is None for stat in without)
    assert len({stat.contract_mix[0].contract for stat in with_offers}) > 1  # not every market is led by CDI


def test_each_job_group_hires_most_through_its_first_channel(seed: Seed) -> None:
    for stat in seed.job_group_stats:
        percents = stat.hiring_channel_percents
        assert set(percents) == {"SPONTANEOUS", "NETWORK", "AGENCY", "OFFERS"}
        assert sum(percents.values()) == 100
        assert max(percents, key=lambda channel: percents[channel]) == stat.first_hiring_channel
        assert sorted(percents.values()).count(percents[stat.first_hiring_channel]) == 1


def test_the_cache_serves_the_details_for_the_market_page() -> None:
    cache = ReferentialCache.from_seed()
    facts = cache.market_facts("31", "M1607")

    assert facts is not None
    assert facts.synthetic
    assert facts.contract_mix
    assert facts.hiring_projects is not None
    assert cache.hiring_channel_percents("M1607")[facts.first_hiring_channel or ""] > 0
