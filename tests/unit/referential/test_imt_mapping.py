from __future__ import annotations

from pathlib import Path

from shared.referential.imt_mapping import hiring_channel_stats, market_stats_from_tension
from shared.referential.parsers import fap_crosswalk, imt_application_modes
from shared.referential.records import TensionRecord


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
