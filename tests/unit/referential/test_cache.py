from __future__ import annotations

from pathlib import Path

import pytest

from shared.referential.parsers import rome_job_titles
from shared.referential.records import (
    ContractShare,
    DepartementRecord,
    DiplomaShare,
    JobGroupRecord,
    JobGroupStatRecord,
    JobTitleRecord,
    MarketStatRecord,
)
from shared.referential.repository import ReferentialCache
from shared.referential.text_search import TitleIndex, fold
from shared.schemas.market import MarketState

GROUPS = [
    JobGroupRecord("M1601", "Accueil et renseignements"),
    JobGroupRecord("M1602", "Opérations administratives"),
    JobGroupRecord("M1607", "Secrétariat"),
    JobGroupRecord("K2204", "Nettoyage de locaux"),
]
# Occitanie-like region 76 with five départements, and Île-de-France (11) with one.
DEPARTEMENTS = [DepartementRecord(dep, dep, "76") for dep in ("09", "12", "31", "32", "81")] + [
    DepartementRecord("75", "Paris", "11")
]
TITLES = [
    JobTitleRecord("19364", "Secrétaire", "Secrétaire", "M1607"),
    JobTitleRecord("19367", "Secrétaire bilingue", "Secrétaire bilingue", "M1607"),
    JobTitleRecord("11999", "Assistant / Assistante de secrétariat", "Assistant(e) de secrétariat", "M1607"),
    JobTitleRecord("10571", "Agent / Agente de propreté de locaux", "Agent(e) de propreté", "K2204"),
    JobTitleRecord("38000", "Hôte / Hôtesse d'accueil", "Hôte / Hôtesse d'accueil", "M1601"),
]


def _stat(dep: str, code: str, offers: float | None, **extra: object) -> MarketStatRecord:
    return MarketStatRecord(dep, code, offers, source="test", **extra)  # type: ignore[arg-type]


@pytest.fixture
def referential() -> ReferentialCache:
    stats = [
        _stat("31", "M1607", 2.0),
        _stat("09", "M1607", 5.0),
        _stat("12", "M1607", 9.0),
        _stat("32", "M1607", 5.0),
        _stat("81", "M1607", 7.5),
        _stat("75", "M1607", 20.0),  # another region: never "better" for Toulouse
        _stat("31", "K2204", 0.0, first_hiring_channel="NETWORK"),
        _stat("09", "K2204", None),
    ]
    national = [
        JobGroupStatRecord(
            "M1607", "seed-synthetic", True, "SPONTANEOUS", {}, 120, (DiplomaShare("BAC_BACPRO", 40.0),)
        ),
        JobGroupStatRecord("K2204", "imt-application-modes", False, "AGENCY"),
    ]
    return ReferentialCache(GROUPS, DEPARTEMENTS, stats, national, TITLES)


def test_known_codes(referential: ReferentialCache) -> None:
    assert referential.is_known_rome("M1607")
    assert not referential.is_known_rome("XXXXX")
    assert referential.is_known_departement("31")
    assert not referential.is_known_departement("000")


def test_market_facts_for_a_stats_row(referential: ReferentialCache) -> None:
    facts = referential.market_facts("31", "M1607")

    assert facts is not None
    assert facts.job_group_name == "Secrétariat"
    assert facts.offers_per_10_candidates == 2.0
    assert facts.state is MarketState.STUCK
    assert facts.related_rome_codes == ["M1601", "M1602"]
    # Same region, more offers, best first, at most three; Paris is in another region.
    assert facts.better_departements == ["12", "81", "09"]


def test_national_figures_fill_gaps_and_carry_their_synthetic_flag(referential: ReferentialCache) -> None:
    facts = referential.market_facts("31", "M1607")
    assert facts is not None
    assert facts.first_hiring_channel == "SPONTANEOUS"
    assert facts.typical_unemployment_days == 120
    assert [(d.degree, d.percent_offers) for d in facts.diploma_requirements] == [("BAC_BACPRO", 40.0)]
    assert facts.synthetic

    cleaning = referential.market_facts("31", "K2204")
    assert cleaning is not None
    assert cleaning.first_hiring_channel == "NETWORK"  # the département figure wins
    assert not cleaning.synthetic


def test_missing_data_no_offers_and_no_row_are_distinct(referential: ReferentialCache) -> None:
    no_offers = referential.market_facts("31", "K2204")
    unknown = referential.market_facts("09", "K2204")

    assert no_offers is not None
    assert no_offers.state is MarketState.NO_OFFERS
    assert no_offers.better_departements == []  # the only other figure is unknown
    assert unknown is not None
    assert unknown.state is MarketState.MISSING_DATA
    assert unknown.better_departements == []
    assert referential.market_facts("31", "XXXXX") is None
    assert referential.market_facts("000", "K2204") is None


def test_without_a_local_row_the_national_facts_still_count(referential: ReferentialCache) -> None:
    facts = referential.market_facts("75", "K2204")
    assert facts is not None
    assert facts.national_only
    assert facts.state is MarketState.MISSING_DATA
    assert facts.job_group_name == "Nettoyage de locaux"
    assert facts.first_hiring_channel == "AGENCY"
    assert not facts.synthetic
    assert referential.market_facts("75", "K2204") is facts  # built once

    no_row = ReferentialCache(GROUPS, DEPARTEMENTS, [], [
        JobGroupStatRecord("M1607", "seed-synthetic", True, "SPONTANEOUS", {}, 120, (DiplomaShare("BAC_BACPRO", 40.0),))
    ]).market_facts("31", "M1607")
    assert no_row is not None
    assert [(d.degree, d.percent_offers) for d in no_row.diploma_requirements] == [("BAC_BACPRO", 40.0)]
    assert no_row.synthetic  # the national figures are


def test_close_jobs_are_named_and_only_better_known_markets(referential: ReferentialCache) -> None:
    secretary = referential.market_facts("31", "M1607")
    assert secretary is not None
    # M1601 has no row in 31, M1602 has one with a worse figure: neither is offered.
    assert secretary.better_related_jobs == []

    crowded = ReferentialCache(
        GROUPS, DEPARTEMENTS, [_stat("31", "M1607", 2.0), _stat("31", "M1602", 6.0), _stat("31", "M1601", 1.0)]
    ).market_facts("31", "M1607")
    assert crowded is not None
    assert [(j.rome_code, j.name, j.offers_per_10_candidates) for j in crowded.better_related_jobs] == [
        ("M1602", "Opérations administratives", 6.0)
    ]


def test_contract_mix_and_hiring_intentions_reach_the_market_facts() -> None:
    stat = MarketStatRecord("31", "M1607", 2.0, source="test", contract_mix=(ContractShare("CDI", 70.0),),
                            hiring_projects=160.0, difficult_hiring_percent=50.0, seasonal_hiring_percent=10.0)
    facts = ReferentialCache(GROUPS, DEPARTEMENTS, [stat]).market_facts("31", "M1607")
    assert facts is not None
    assert [(share.contract, share.percent_offers) for share in facts.contract_mix] == [("CDI", 70.0)]
    assert (facts.hiring_projects, facts.difficult_hiring_percent, facts.seasonal_hiring_percent) == (160.0, 50.0, 10.0)


def test_better_departements_carry_their_figures(referential: ReferentialCache) -> None:
    facts = referential.market_facts("31", "M1607")
    assert facts is not None
    assert [(m.departement_id, m.offers_per_10_candidates) for m in facts.better_departement_markets] == [
        ("12", 9.0), ("81", 7.5), ("09", 5.0)
    ]


def test_best_departement_has_no_better(referential: ReferentialCache) -> None:
    facts = referential.market_facts("12", "M1607")
    assert facts is not None
    assert facts.better_departements == []
    assert facts.state is MarketState.EASY


def test_market_facts_are_precomputed(referential: ReferentialCache) -> None:
    assert referential.market_facts("31", "M1607") is referential.market_facts("31", "M1607")


def test_search_is_accent_and_case_insensitive(referential: ReferentialCache) -> None:
    assert [t.code_ogr for t in referential.search_job_titles("SECRETAIRE")] == ["19364", "19367"]
    assert [t.code_ogr for t in referential.search_job_titles("hotesse")] == ["38000"]
    assert [t.code_ogr for t in referential.search_job_titles("proprete locaux")] == ["10571"]


def test_search_ranks_title_prefix_then_word_prefix_then_substring(referential: ReferentialCache) -> None:
    # "secr": two titles start with it, one has a word starting with it.
    assert [t.code_ogr for t in referential.search_job_titles("secr")] == ["19364", "19367", "11999"]
    assert [t.code_ogr for t in referential.search_job_titles("cretair")] == ["19364", "19367"]
    assert [t.code_ogr for t in referential.search_job_titles("secr", limit=1)] == ["19364"]


def test_search_edge_cases(referential: ReferentialCache) -> None:
    assert referential.search_job_titles("") == []
    assert referential.search_job_titles("  -- ") == []
    assert referential.search_job_titles("secr", limit=0) == []
    assert referential.search_job_titles("zzz") == []


def test_fold() -> None:
    assert fold("Aide-Soignant(e) à DOMICILE") == "aide soignant e a domicile"
    assert fold("Chef d'œuvre") == "chef d oeuvre"


def test_search_over_the_whole_referential(rome_dir: Path) -> None:
    index = TitleIndex(rome_job_titles.parse_job_titles(rome_dir / rome_job_titles.FILE_NAME))

    results = index.search("boulanger", limit=5)

    assert len(index) == 10_990
    assert results
    assert all("boulang" in fold(title.name) for title in results)
    assert fold(results[0].name).startswith("boulanger")
