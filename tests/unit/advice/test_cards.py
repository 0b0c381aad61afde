"""Expanded cards: every module has one, filled with the person's job, city and figures, with resources chosen for
them from the catalogue (services/advice/data/resources.json)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from services.advice.domain.advise import advise
from services.advice.domain.cards import RESOURCES, RESOURCES_FILE, card_for
from services.advice.domain.facts import Facts
from services.advice.domain.modules import MODULES
from shared.schemas.advice import AdviceItem, Card
from tests.unit.advice.factories import TODAY, born_aged, make_event
from tests.unit.advice.test_modules import CASES, scores_for
from tests.unit.test_wording import problems

MODULE_IDS = sorted(module.id for module in MODULES)
# The section each card must carry besides its steps and resources.
SPECIFIC = {
    "reorient-to-close-job": "jobs", "relocate": "places", "commute": "places",
    "spontaneous-application": "template", "follow-up": "template", "network-application-weak": "template",
    "network-application-medium": "template", "network-application-good": "template",
    "fight-discrimination": "rights", "needs-for-handicap": "rights",
}
STUCK_NEAR_BETTER = {
    "offers_per_10_candidates": 2.0,
    "job_group_name": "Secrétariat",
    "better_related_jobs": [
        {"rome_code": "M1602", "name": "Opérations administratives", "offers_per_10_candidates": 6.0}
    ],
    "better_departements": ["32"],
    "better_departement_markets": [{"departement_id": "32", "offers_per_10_candidates": 6.5}],
}


def item_for(module_id: str) -> AdviceItem:
    """The module's item on the profile its test case builds for it, with figures to show."""
    for_it, _, _ = CASES[module_id]
    assert module_id in scores_for(for_it)
    market = {**for_it.get("market", {}), **STUCK_NEAR_BETTER}
    event = make_event(profile=for_it.get("profile"), project=for_it.get("project"), market=market)
    items = {item.module_id: item for item in advise(event, TODAY)}
    if module_id not in items:  # a stuck market may outrank a module of its exclusive group: ask the card itself
        card = card_for(module_id, Facts(event, TODAY))
        assert card is not None
        return AdviceItem(module_id=module_id, score=1, title=MODULES[0].title, explanations=[], card=card)
    return items[module_id]


def all_texts(card: Card) -> list[Any]:
    """What the card says; resource names are proper nouns, French in both languages."""
    return [text for section in card.sections for entry in section.entries
            for text in (section.title, None if section.kind == "resources" else entry.text, entry.detail)
            if text is not None]


def test_at_least_twenty_modules_have_a_card() -> None:
    event = make_event()
    with_card = [module_id for module_id in MODULE_IDS if card_for(module_id, Facts(event, TODAY)) is not None]
    assert len(with_card) >= 20
    assert with_card == MODULE_IDS  # every module, in fact


@pytest.mark.parametrize("module_id", MODULE_IDS)
def test_each_card_says_what_to_do_this_week_for_this_person(module_id: str) -> None:
    card = item_for(module_id).card
    assert card is not None
    steps, *others = card.sections
    assert steps.kind == "steps"
    assert len(steps.entries) >= 2
    assert steps.title.en == "This week"
    kinds = [section.kind for section in others]
    if module_id in SPECIFIC:
        assert SPECIFIC[module_id] in kinds
    assert [problem for text in all_texts(card) for problem in problems(text)] == []


def test_steps_and_templates_name_the_job_and_the_city() -> None:
    card = item_for("spontaneous-application").card
    assert card is not None
    [steps] = [s for s in card.sections if s.kind == "steps"]
    assert steps.entries[0].text.fr == (
        "Repérez 10 entreprises qui recrutent pour le métier « Secrétariat » à Toulouse et aux alentours."
    )
    assert steps.entries[0].text.en == "Find 10 employers hiring for secretarial work in and around Toulouse."
    [template] = [s for s in card.sections if s.kind == "template"]
    assert "mon expérience dans le métier « Secrétariat » au service de votre entreprise à Toulouse" in \
        template.entries[0].text.fr


def test_close_jobs_are_named_with_their_figures_against_the_persons() -> None:
    card = item_for("reorient-to-close-job").card
    assert card is not None
    [jobs] = [s for s in card.sections if s.kind == "jobs"]
    assert jobs.title.fr == (
        "Des métiers proches qui recrutent davantage en Haute-Garonne (le vôtre : 2 offres pour 10 candidats)"
    )
    [(name, figure)] = [(entry.text, entry.detail) for entry in jobs.entries]
    assert (name.fr, name.en) == ("« Opérations administratives »", "administrative office work")
    assert figure is not None
    assert figure.fr == "6 offres pour 10 candidats"


def test_places_are_named_with_their_figures() -> None:
    card = item_for("relocate").card
    assert card is not None
    [places] = [s for s in card.sections if s.kind == "places"]
    assert [(e.text.fr, e.detail.fr if e.detail else None) for e in places.entries] == [
        ("le Gers (32)", "6,5 offres pour 10 candidats")
    ]


def test_a_card_without_figures_shows_no_jobs_nor_places() -> None:
    event = make_event(project={"mobility_area": "CITY"}, market={"offers_per_10_candidates": None})
    card = card_for("commute", Facts(event, TODAY))
    assert card is not None
    assert [section.kind for section in card.sections] == ["steps"]


def resources_shown(module_id: str, **overrides: Any) -> list[str]:
    card = card_for(module_id, Facts(make_event(**overrides), TODAY))
    assert card is not None
    return [entry.text.fr for section in card.sections if section.kind == "resources" for entry in section.entries]


def test_resources_are_chosen_for_the_person() -> None:
    young, older = {"year_of_birth": born_aged(22)}, {"year_of_birth": born_aged(40)}
    assert "Service civique" in resources_shown("civic-service", profile=young)
    assert "Service civique" not in resources_shown("civic-service", profile=older)
    assert "Agefiph" in resources_shown("needs-for-handicap", profile={"has_handicap": True})
    assert "Agefiph" not in resources_shown("needs-for-handicap")
    assert "Apec" in resources_shown("job-boards")  # the base person has a licence
    assert "Apec" not in resources_shown("job-boards", profile={"highest_degree": "CAP_BEP"})
    # Job-specific boards only for their ROME domains.
    assert "Welcome to the Jungle" in resources_shown("job-boards")  # M1607
    assert "Welcome to the Jungle" not in resources_shown("job-boards", project={"target_job": {"rome_code": "F1703"}})


def test_rights_for_discrimination_name_the_law_and_the_body_to_contact() -> None:
    card = card_for("fight-discrimination", Facts(make_event(), TODAY))
    assert card is not None
    [rights] = [s for s in card.sections if s.kind == "rights"]
    assert any("L1132-1" in entry.text.fr for entry in rights.entries)
    assert "Défenseur des droits" in resources_shown("fight-discrimination")


def test_the_catalogue_is_well_formed() -> None:
    entries = json.loads(RESOURCES_FILE.read_text(encoding="utf-8"))
    assert len(entries) == len(RESOURCES) >= 20
    assert len({entry["id"] for entry in entries}) == len(entries)
    for entry in entries:
        assert entry["url"].startswith("https://"), entry["id"]
        assert entry["source"]
        dt.date.fromisoformat(entry["checked"])
        assert set(entry["modules"]) <= set(MODULE_IDS), entry["id"]
        assert all(re.fullmatch(r"[A-N]", letter) for letter in entry["domains"]), entry["id"]
        assert entry["for"]["fr"]
        assert entry["for"]["en"]
    covered = {module for entry in entries for module in entry["modules"]}
    assert len(covered) >= 20
