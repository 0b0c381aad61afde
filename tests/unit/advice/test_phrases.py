"""Rendering of bilingual reasons: numbers, singular forms, nested reasons, caching."""

from __future__ import annotations

import pytest

from services.advice.domain.phrases import Phrase, reason, render

COUNT = Phrase("{} offres", "{} offers", fr_one="{} offre", en_one="{} offer")


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (0.0, "0 offre", "0 offers"),
        (0.96, "1 offre", "1 offer"),  # agrees with the figure shown
        (1, "1 offre", "1 offer"),
        (1.5, "1,5 offre", "1.5 offers"),
        (2, "2 offres", "2 offers"),
        (3.333, "3,3 offres", "3.3 offers"),
    ],
)
def test_numbers_and_singular_forms(value: float, fr: str, en: str) -> None:
    text = render(reason(COUNT, value))
    assert (text.fr, text.en) == (fr, en)


def test_phrase_args_and_nested_reasons_render_per_language() -> None:
    label = Phrase("un bac", "a baccalauréat")
    outer = Phrase("{} et {}", "{} and {}")
    text = render(reason(outer, label, reason(COUNT, 1)))
    assert (text.fr, text.en) == ("un bac et 1 offre", "a baccalauréat and 1 offer")


def test_rendering_is_cached() -> None:
    item = reason(COUNT, 4)
    assert render(item) is render(reason(COUNT, 4))
