"""Personas through the whole platform: gateway → profile → Kafka → diagnosis → advice → read back.

One persona per main challenge, on (département, job group) pairs of the bundled seed chosen for their
synthetic market figures (ReferentialCache.from_seed().market_facts(dep, rome)):
- 31 G1602: 1.8 offers per 10 candidates (STUCK); 75 M1607: 0 (NO_OFFERS); 69 M1607: no row (missing data)
- 31 K2204, 31 N1103, 33 K2204: >= 7 (EASY), no diploma requirement
- 31 M1805: 4.3 (NORMAL), LICENCE_MAITRISE asked by 79 % of offers; 31 M1607: 6.6 (NORMAL)
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from tests.support import AsProfileOwner, poll_ready

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

TODAY = dt.date.today()


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def born_aged(age: int) -> int:
    return TODAY.year - age


def profile(project: dict[str, Any], **person: Any) -> dict[str, Any]:
    return {"year_of_birth": born_aged(35), "highest_degree": "BAC_BACPRO", **person, "projects": [project]}


def project(departement_id: str, rome_code: str | None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"city": {"name": "Ville", "departement_id": departement_id}, **fields}
    if rome_code is not None:
        body["target_job"] = {"rome_code": rome_code}
    return body


@dataclass(frozen=True)
class Persona:
    name: str
    main_challenge: str
    advice: tuple[str, ...]  # module ids that must all be in the advice
    profile: dict[str, Any]


# A settled search: started 4 months ago, one interview or more a month, likes the job, clear project.
SETTLED = {
    "job_search_started_at": days_ago(122), "total_interview_count": 8, "passion_level": "PASSIONATING_JOB",
    "has_clear_project": True, "training_fulfillment": "ENOUGH_DIPLOMAS", "network_estimate": 2,
}

PERSONAS: tuple[Persona, ...] = (
    Persona(
        "no target job", "undefined-project", ("explore-other-jobs",),
        profile(project("31", None, job_search_started_at=days_ago(60))),
    ),
    Persona(
        "stuck market, city only", "stuck-market", ("commute",),
        profile(project("31", "G1602", mobility_area="CITY", **SETTLED)),
    ),
    Persona(
        "young, food job, just started", "find-what-you-like", ("explore-other-jobs",),
        profile(
            project("31", "M1607", **{**SETTLED, "passion_level": "ALIMENTARY_JOB", "seniority": "JUNIOR",
                                      "job_search_started_at": days_ago(20), "total_interview_count": 0}),
            year_of_birth=born_aged(22),
        ),
    ),
    Persona(
        "licence asked, has a bac, not sure", "missing-diploma", ("training",),
        profile(project("31", "M1805", **{**SETTLED, "training_fulfillment": "NOT_SURE"})),
    ),
    Persona(
        "not started yet", "start-your-search", ("first-steps",),
        profile(project("31", "K2204", **{**{k: v for k, v in SETTLED.items() if k != "job_search_started_at"},
                                          "job_search_has_not_started": True, "total_interview_count": 0})),
    ),
    Persona(
        "six months, two interviews", "enhance-methods-to-interview", ("improve-resume",),
        profile(project("31", "N1103", **{**SETTLED, "job_search_started_at": days_ago(183),
                                          "total_interview_count": 2})),
    ),
    Persona(
        "nothing blocks", "bravo", ("network-application-medium", "spontaneous-application"),
        profile(project("33", "K2204", **SETTLED), frustrations=["NO_OFFERS"]),
    ),
    Persona(
        "no offers at all", "stuck-market", ("commute",),
        profile(project("75", "M1607", mobility_area="CITY", **SETTLED)),
    ),
)

# 69 M1607 has no market row: not a stuck market; everything else settled, so nothing blocks.
MISSING_DATA_PERSONA = profile(project("69", "M1607", **SETTLED))


def put_v1() -> dict[str, Any]:
    return profile(project("31", "K2204", job_search_has_not_started=True, passion_level="LIFE_GOAL_JOB",
                           has_clear_project=True))


def put_v2() -> dict[str, Any]:
    return profile(project("31", "K2204", **SETTLED))




def submit(client: httpx.Client, body: dict[str, Any]) -> str:
    created = client.post("/api/v1/profiles", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    profile_id: str = created.json()["profile_id"]
    return profile_id


@pytest.fixture(scope="module")
def client(platform: Platform) -> Any:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10, auth=AsProfileOwner()) as http:
        yield http


@pytest.fixture(scope="module")
def submitted(client: httpx.Client) -> dict[str, str]:
    """All personas posted at once (the pipeline works on them concurrently): name -> profile id."""
    return {persona.name: submit(client, persona.profile) for persona in PERSONAS}


def test_the_personas_cover_the_seven_challenges() -> None:
    assert {p.main_challenge for p in PERSONAS} == {
        "undefined-project", "stuck-market", "find-what-you-like", "missing-diploma", "start-your-search",
        "enhance-methods-to-interview", "bravo",
    }


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_persona_gets_its_main_challenge_and_advice(
    client: httpx.Client, submitted: dict[str, str], persona: Persona
) -> None:
    profile_id = submitted[persona.name]

    diagnosis = poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis")
    assert diagnosis["profile_version"] == 1
    result = diagnosis["result"]["diagnosis"]
    assert result["main_challenge"] == persona.main_challenge, result
    train = {step["challenge"]: step["status"] for step in result["train"]}
    assert train[persona.main_challenge] == ("PASSED" if persona.main_challenge == "bravo" else "NEEDS_ATTENTION")
    assert 0 <= result["overall_score"] <= 100

    advice = poll_ready(client, f"/api/v1/profiles/{profile_id}/advice")
    assert advice["profile_version"] == 1
    assert advice["result"]["main_challenge"] == persona.main_challenge
    items = advice["result"]["advice"]
    module_ids = [item["module_id"] for item in items]
    for expected in persona.advice:
        assert expected in module_ids, (persona.name, module_ids)
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert all(item["explanations"] for item in items)


def test_missing_market_data_is_not_a_stuck_market(client: httpx.Client) -> None:
    profile_id = submit(client, MISSING_DATA_PERSONA)
    result = poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis")["result"]
    diagnosis = result["diagnosis"]
    train = {step["challenge"]: step["status"] for step in diagnosis["train"]}
    assert train["stuck-market"] == "NOT_RELEVANT"
    assert diagnosis["main_challenge"] != "stuck-market"
    assert diagnosis["main_challenge"] == "bravo"
    market = result["market"]
    assert market["offers_per_10_candidates"] is None
    # Without a local row the job group's national facts still count.
    assert market["national_only"] is True
    assert market["first_hiring_channel"] is not None


def test_a_put_makes_version_2_and_version_1_stays_readable(client: httpx.Client) -> None:
    profile_id = submit(client, put_v1())
    first = poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis?version=1")
    assert first["result"]["diagnosis"]["main_challenge"] == "start-your-search"

    updated = client.put(f"/api/v1/profiles/{profile_id}", json=put_v2())
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2

    second = poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis?version=2")
    assert second["profile_version"] == 2
    assert second["result"]["diagnosis"]["main_challenge"] == "bravo"
    assert second["result"]["diagnosis"] != first["result"]["diagnosis"]
    latest = poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis")
    assert latest["profile_version"] == 2

    again = client.get(f"/api/v1/profiles/{profile_id}/diagnosis", params={"version": 1}).json()
    assert again["status"] == "ready"
    assert again["profile_version"] == 1
    assert again["result"] == first["result"]
    stored_v1 = client.get(f"/api/v1/profiles/{profile_id}", params={"version": 1}).json()
    assert stored_v1["version"] == 1
    assert stored_v1["profile"]["projects"][0]["job_search_has_not_started"] is True
    advice_v2 = poll_ready(client, f"/api/v1/profiles/{profile_id}/advice?version=2")
    assert advice_v2["result"]["main_challenge"] == "bravo"
    for result in ("diagnosis", "advice"):  # a version that will never exist is not "pending" forever
        never = client.get(f"/api/v1/profiles/{profile_id}/{result}", params={"version": 999})
        assert never.status_code == 404
        assert never.json() == {"detail": "profile version 999 has no result and never will"}


def test_results_are_computed_once_per_version(client: httpx.Client, submitted: dict[str, str]) -> None:
    profile_id = submitted[PERSONAS[0].name]
    first = poll_ready(client, f"/api/v1/profiles/{profile_id}/diagnosis")
    advice = poll_ready(client, f"/api/v1/profiles/{profile_id}/advice")
    time.sleep(0.5)
    again = client.get(f"/api/v1/profiles/{profile_id}/diagnosis").json()
    assert again["computed_at"] == first["computed_at"]
    assert again["result"] == first["result"]
    assert client.get(f"/api/v1/profiles/{profile_id}/advice").json()["computed_at"] == advice["computed_at"]
