"""Control-group assignment: reproducible from the seed, close to the configured share."""

from __future__ import annotations

import datetime as dt

from services.followup.domain.assignment import assign, draw
from shared.schemas.followup import Group

NOW = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def test_same_seed_and_person_same_group() -> None:
    first = assign("p1", NOW, "trial-1", 0.3)
    assert assign("p1", NOW, "trial-1", 0.3) == first
    assert first.draw == draw("trial-1", "p1")
    assert (first.group is Group.CONTROL) == (first.draw < 0.3)


def test_share_is_respected_over_many_people() -> None:
    groups = [assign(f"person-{i}", NOW, "trial-1", 0.2).group for i in range(5000)]
    assert 0.18 < groups.count(Group.CONTROL) / len(groups) < 0.22


def test_zero_share_treats_everyone_and_other_seeds_draw_differently() -> None:
    assert all(assign(f"p{i}", NOW, "s", 0.0).group is Group.TREATED for i in range(200))
    assert draw("seed-a", "p1") != draw("seed-b", "p1")


def test_release_date_is_after_the_three_month_window() -> None:
    assert assign("p1", NOW, "s", 0.5).release_after == NOW + dt.timedelta(days=98)
