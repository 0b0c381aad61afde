"""In-app feedback's rules: what may be rated, the operators' summary, and the note sealed on the topic."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from services.advice.domain.feedback import NoAdvice, NotInAdvice, check_rated, main_challenge, summarise
from shared.crypto.cipher import SealError, new_key
from shared.schemas.feedback import AdviceRated, NoteLeft

ADVICE = {"main_challenge": "stuck-market", "advice": [{"module_id": "network-application-weak"},
                                                      {"module_id": "relocate"}]}
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def test_the_challenge_judged_is_the_one_the_advice_answers() -> None:
    assert main_challenge(ADVICE, 2) == "stuck-market"
    with pytest.raises(NoAdvice):
        main_challenge(None, 2)


def test_only_a_piece_of_that_versions_advice_is_rated() -> None:
    check_rated(ADVICE, 1, "relocate")
    with pytest.raises(NotInAdvice, match="improve-resume"):
        check_rated(ADVICE, 1, "improve-resume")
    with pytest.raises(NoAdvice):
        check_rated(None, 1, "relocate")


def test_stars_go_from_1_to_5() -> None:
    for stars in (0, 6):
        with pytest.raises(ValidationError, match="stars"):
            AdviceRated(profile_id="p", profile_version=1, module_id="relocate", stars=stars, rated_at=NOW)


def test_the_summary_counts_agreement_per_challenge_and_mean_stars_per_module() -> None:
    summary = summarise([
        {"kind": "challenge", "main_challenge": "stuck-market", "agrees": True},
        {"kind": "challenge", "main_challenge": "stuck-market", "agrees": False},
        {"kind": "challenge", "main_challenge": "bravo", "agrees": True},
        {"kind": "advice", "module_id": "relocate", "stars": 5},
        {"kind": "advice", "module_id": "relocate", "stars": 2},
        {"kind": "advice", "module_id": "vae", "stars": 4},
        {"kind": "note"},
    ])
    assert (summary.judged, summary.agreed, summary.notes) == (3, 2, 1)
    assert summary.agreement_rate == pytest.approx(2 / 3)
    assert summary.agreement_by_challenge == {"bravo": (1, 1), "stuck-market": (2, 1)}
    assert [(r.module_id, r.count, r.mean) for r in summary.ratings] == [("relocate", 2, 3.5), ("vae", 1, 4.0)]
    assert summarise([]).agreement_rate is None


def test_the_note_travels_sealed_for_its_person_only() -> None:
    key = new_key()
    event = NoteLeft.sealing(key, "p1", "Le réseau m'a aidé", NOW)
    assert "réseau" not in event.model_dump_json()
    assert event.opened(key) == "Le réseau m'a aidé"
    with pytest.raises(SealError):
        event.opened(new_key())
    moved = NoteLeft(profile_id="p2", left_at=NOW, note=event.note)
    with pytest.raises(SealError):
        moved.opened(key)
