"""Intervals checked against Newcombe's published examples (Stat. Med. 1998, 17: 857-872 and 873-890)."""

from __future__ import annotations

import pytest

from services.followup.domain.proportions import newcombe_difference, wilson


def test_wilson_interval_of_81_out_of_263() -> None:
    assert wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)


def test_newcombe_method_10_for_56_of_70_minus_48_of_80() -> None:
    diff, low, high = newcombe_difference(56, 70, 48, 80)
    assert (diff, low, high) == pytest.approx((0.2, 0.0524, 0.3339), abs=1e-4)


def test_interval_stays_within_bounds_at_the_extremes() -> None:
    diff, low, high = newcombe_difference(10, 10, 0, 10)
    assert diff == 1.0
    assert -1 <= low < diff <= high <= 1


def test_no_observation_is_an_error() -> None:
    with pytest.raises(ValueError, match="no observations"):
        wilson(0, 0)
