"""advise(): exclusive modules, order, explanations, catalog checks and speed."""

from __future__ import annotations

import logging

import pytest

from services.advice.domain.advise import advise
from services.advice.domain.catalog import compile_modules
from services.advice.domain.modules import EXCLUSIVE_GROUPS, MODULES, Module
from services.advice.domain.rules import RuleIdError
from shared.schemas.advice import AdviceItem
from shared.schemas.diagnosis import DiagnosisCompleted, Text
from tests.unit.advice.factories import TODAY, born_aged, make_event, started_days_ago

PRIORITY = {module.id: index for index, module in enumerate(MODULES)}


def ids(items: list[AdviceItem]) -> list[str]:
    return [item.module_id for item in items]


def test_higher_score_wins_among_resume_and_interview_modules() -> None:
    # improve-resume scores 3 (many applications, no interview), improve-interview 2 (blocker).
    event = make_event(
        profile={"frustrations": ["INTERVIEW"]},
        project={"weekly_applications": "DECENT_AMOUNT", "total_interview_count": 0},
    )
    kept = ids(advise(event, TODAY))
    assert "improve-resume" in kept
    assert "improve-interview" not in kept
    assert "fresh-resume" not in kept


def test_fresh_resume_wins_over_a_lower_improve_resume() -> None:
    event = make_event(profile={"frustrations": ["RESUME"]}, project={"has_resume": False})
    kept = ids(advise(event, TODAY))
    assert "fresh-resume" in kept
    assert "improve-resume" not in kept


def test_ties_in_an_exclusive_group_go_to_the_higher_priority() -> None:
    event = make_event(profile={"frustrations": ["RESUME", "INTERVIEW"]})
    items = {item.module_id: item.score for item in advise(event, TODAY)}
    assert items.get("improve-resume") == 2
    assert "improve-interview" not in items


def test_network_modules_keep_the_best_scored() -> None:
    # Good network and a job hiring through contacts: good scores 3, the others 1 each.
    event = make_event(project={"network_estimate": 3}, market={"first_hiring_channel": "NETWORK"})
    network = [item for item in advise(event, TODAY) if item.module_id.startswith("network-application")]
    assert [(item.module_id, item.score) for item in network] == [("network-application-good", 3)]


def test_unknown_network_level_keeps_the_medium_module() -> None:
    event = make_event(market={"first_hiring_channel": "NETWORK"})
    network = [item for item in advise(event, TODAY) if item.module_id.startswith("network-application")]
    assert [(item.module_id, item.score) for item in network] == [("network-application-medium", 1)]


def test_exclusive_groups_keep_at_most_one_module_each(busy_event: DiagnosisCompleted) -> None:
    kept = set(ids(advise(busy_event, TODAY)))
    for group in EXCLUSIVE_GROUPS:
        assert len(kept & group) <= 1


def test_sorted_by_score_then_priority(busy_event: DiagnosisCompleted) -> None:
    items = advise(busy_event, TODAY)
    assert len(items) >= 8
    keys = [(-item.score, PRIORITY[item.module_id]) for item in items]
    assert keys == sorted(keys)
    assert len(set(ids(items))) == len(items)


def test_every_item_is_explained_in_both_languages(busy_event: DiagnosisCompleted) -> None:
    for item in advise(busy_event, TODAY):
        assert item.explanations
        for text in item.explanations:
            assert text.fr.strip()
            assert text.en.strip()


def test_explanations_carry_concrete_figures(busy_event: DiagnosisCompleted) -> None:
    items = {item.module_id: item for item in advise(busy_event, TODAY)}
    reorient = [text.en for text in items["reorient-to-close-job"].explanations]
    assert reorient == [
        "because you have been searching for 8 months",
        "because your market has 2 offers for 10 candidates",
        "because a job close to yours hires more here: administrative office work (4 offers for 10 candidates)",
    ]
    assert "parce qu'un métier proche du vôtre recrute davantage ici : « Opérations administratives » " \
        "(4 offres pour 10 candidats)" in [text.fr for text in items["reorient-to-close-job"].explanations]
    assert "parce que votre marché compte 2 offres pour 10 candidats" in [
        text.fr for text in items["commute"].explanations
    ]


def test_a_fact_given_by_several_triggers_is_said_once() -> None:
    # Both score-3 triggers of senior state the age.
    event = make_event(
        profile={"year_of_birth": born_aged(47), "frustrations": ["AGE_DISCRIMINATION"]},
        project={"job_search_started_at": started_days_ago(250)},
    )
    [senior] = [item for item in advise(event, TODAY) if item.module_id == "senior"]
    assert [text.en for text in senior.explanations] == [
        "because you are 47 years old",
        "because you told us your age holds you back",
        "because you have been searching for 8 months",
    ]


def test_the_pitch_explains_a_module_fired_without_reasons() -> None:
    pitch = Text(fr="parce que c'est utile", en="because it helps")
    catalog = compile_modules(
        (Module(id="always", title=Text(fr="Toujours", en="Always"), pitch=pitch, triggers={"constant(2)": 3}),),
        (),
    )
    assert advise(make_event(), TODAY, catalog) == [
        AdviceItem(module_id="always", score=2, title=Text(fr="Toujours", en="Always"), explanations=[pitch])
    ]


def test_trigger_cap_limits_the_rule_score() -> None:
    title = Text(fr="t", en="t")
    catalog = compile_modules(
        (
            Module(id="low", title=title, pitch=title, triggers={"for-departement(31)": 1}),
            Module(id="high", title=title, pitch=title, triggers={"constant(1)": 3, "for-departement(31)": 2}),
        ),
        (frozenset({"low", "high"}),),
    )
    assert [(item.module_id, item.score) for item in advise(make_event(), TODAY, catalog)] == [("high", 2)]


@pytest.mark.parametrize(
    ("modules", "groups", "error", "message"),
    [
        ((Module("a", Text(fr="", en=""), Text(fr="", en=""), {"for-yung(2)": 1}),), (), RuleIdError, "for-yung"),
        ((Module("a", Text(fr="", en=""), Text(fr="", en=""), {"for-handicap": 4}),), (), ValueError, "cap 4"),
        ((Module("a", Text(fr="", en=""), Text(fr="", en=""), {}),), (), ValueError, "no trigger"),
        (
            (Module("a", Text(fr="", en=""), Text(fr="", en=""), {"for-handicap": 1}),) * 2,
            (),
            ValueError,
            "duplicate",
        ),
        (
            (Module("a", Text(fr="", en=""), Text(fr="", en=""), {"for-handicap": 1}),),
            (frozenset({"a", "b"}),),
            ValueError,
            "unknown modules",
        ),
    ],
)
def test_catalog_rejects_bad_module_data(
    modules: tuple[Module, ...], groups: tuple[frozenset[str], ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        compile_modules(modules, groups)


def test_sensitive_answers_are_shown_to_the_person_but_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    event = make_event(profile={"frustrations": ["RACE_DISCRIMINATION"]})
    with caplog.at_level(logging.DEBUG):
        items = advise(event, TODAY)
    assert "fight-discrimination" in ids(items)
    assert caplog.records == []


def test_advise_is_deterministic(busy_event: DiagnosisCompleted) -> None:
    assert advise(busy_event, TODAY) == advise(busy_event, TODAY)
