from __future__ import annotations

from shared.referential.codec import from_document, to_document
from shared.referential.records import DiplomaShare, JobGroupStatRecord, MarketStatRecord


def test_market_stat_round_trip() -> None:
    stat = MarketStatRecord(
        "31", "M1607", 2.5, "seed-synthetic", True, "NETWORK", 120, (DiplomaShare("BAC_BACPRO", 40.0),)
    )

    document = to_document(stat)

    assert document["diploma_requirements"] == [{"degree": "BAC_BACPRO", "percent_offers": 40.0}]
    assert from_document(MarketStatRecord, {**document, "_id": "31:M1607"}) == stat


def test_missing_fields_take_defaults() -> None:
    stat = from_document(JobGroupStatRecord, {"rome_code": "M1607", "source": "x", "diploma_requirements": None})

    assert stat.hiring_channel_percents == {}
    assert stat.diploma_requirements == ()
    assert stat.first_hiring_channel is None
