from __future__ import annotations

from pathlib import Path

from shared.referential.imt_mapping import hiring_channel_stats, market_stats_from_tension, with_offer_details
from shared.referential.parsers import fap_crosswalk, imt_application_modes, imt_bmo, imt_employment_types
from shared.referential.parsers.imt_bmo import BmoRecord
from shared.referential.parsers.imt_employment_types import EmploymentTypeRecord
from shared.referential.records import ContractShare, FapMapping, MarketStatRecord, TensionRecord


def test_later_tension_wins_per_pair() -> None:
    stats = market_stats_from_tension(
        [
            TensionRecord("31", "M1607", 2.0, "imt-monthly"),
            TensionRecord("31", "M1607", 8.0, "imt-market-score"),
            TensionRecord("01", "A1101", 0.0, "imt-monthly"),
        ]
    )

    assert [(s.departement_id, s.rome_code, s.offers_per_10_candidates, s.source) for s in stats] == [
        ("01", "A1101", 0.0, "imt-monthly"),
        ("31", "M1607", 8.0, "imt-market-score"),
    ]
    assert not any(stat.synthetic for stat in stats)


def test_hiring_channels_reach_job_groups_through_the_crosswalk(imt_dir: Path, rome_dir: Path) -> None:
    modes = imt_application_modes.parse_application_modes(imt_dir / imt_application_modes.FILE_NAME)
    mappings = fap_crosswalk.parse_fap_crosswalk(rome_dir / fap_crosswalk.FILE_NAME)

    stats = {stat.rome_code: stat for stat in hiring_channel_stats(modes, mappings, {"D1501", "D1403", "D1404"})}

    assert sorted(stats) == ["D1403", "D1404", "D1501"]  # D1507 is not a known job group here
    assert stats["D1501"].first_hiring_channel == "SPONTANEOUS"
    assert stats["D1403"].hiring_channel_percents["NETWORK"] == 25.05
    assert stats["D1501"].source == imt_application_modes.SOURCE


def test_contract_mix_and_hiring_intentions_join_the_market_stats() -> None:
    stats = [MarketStatRecord("31", "M1607", 2.0, "imt-market-score")]
    contracts = [
        EmploymentTypeRecord("31", "M1607", "CDD_LONG", 30, 30.0),
        EmploymentTypeRecord("31", "M1607", "CDI", 70, 70.0),
        EmploymentTypeRecord("32", "K2204", "INTERIM", 5, 100.0),
        EmploymentTypeRecord("31", "XXXXX", "CDI", 5, 100.0),  # not a known job group
    ]
    bmo = [  # two catchment areas of the same département and family are summed
        BmoRecord("31", "3101", "L2Z60", 100.0, 40.0, 0.0),
        BmoRecord("31", "3102", "L2Z60", 60.0, 40.0, 16.0),
    ]
    mappings = [FapMapping("M1607", "L2Z60", 10), FapMapping("M1602", "L2Z60", 1), FapMapping("M1602", "L1Z60", 10)]

    joined = {(s.departement_id, s.rome_code): s for s in
              with_offer_details(stats, contracts, bmo, mappings, {"M1607", "M1602", "K2204"})}

    assert sorted(joined) == [("31", "M1607"), ("32", "K2204")]  # M1602's main family is another one
    secretary = joined[("31", "M1607")]
    assert secretary.offers_per_10_candidates == 2.0
    assert secretary.contract_mix == (ContractShare("CDI", 70.0), ContractShare("CDD_LONG", 30.0))
    assert (secretary.hiring_projects, secretary.difficult_hiring_percent, secretary.seasonal_hiring_percent) == (
        160.0, 50.0, 10.0
    )
    cleaning = joined[("32", "K2204")]
    assert cleaning.offers_per_10_candidates is None  # a stat of its own, the figure unknown
    assert cleaning.contract_mix == (ContractShare("INTERIM", 100.0),)
    assert cleaning.hiring_projects is None


def test_offer_details_from_the_sample_files(imt_dir: Path, rome_dir: Path) -> None:
    contracts = imt_employment_types.parse_employment_types(imt_dir / imt_employment_types.FILE_NAME)
    bmo = imt_bmo.parse_bmo(imt_dir / imt_bmo.FILE_NAME)
    mappings = fap_crosswalk.parse_fap_crosswalk(rome_dir / fap_crosswalk.FILE_NAME)

    joined = {(s.departement_id, s.rome_code): s for s in with_offer_details([], contracts, bmo, mappings)}

    assert joined[("09", "F1702")].contract_mix[0] == ContractShare("INTERIM", 76.47)
    assert joined[("971", "F1701")].hiring_projects == 18.1
