"""The profile API refuses bad profiles with precise 422 errors (and oversized ones with 413) before storing.

The app runs without its lifespan (no Mongo, no Kafka, no relay): the referential comes from the bundled seed,
and the profile use cases are replaced by a trap, so a request that slipped through validation fails loudly."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.profile.entrypoints.api import app
from shared.referential.repository import ReferentialCache
from tests.support import access_token, bearer
from tests.unit.profile.support import replaced

TODAY = dt.date.today()
PROFILE_ID = "0" * 32


class StoredAnInvalidProfile(AssertionError):
    pass


class Trap:
    async def create(self, *args: object) -> None:
        raise StoredAnInvalidProfile("validation let this profile reach the use case")

    async def update(self, *args: object) -> None:
        raise StoredAnInvalidProfile("validation let this profile reach the use case")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with replaced(app, referential=ReferentialCache.from_seed(), profiles=Trap()):
        # Not `with`: the lifespan would connect to Mongo and start the relay.
        yield TestClient(app, headers=bearer(access_token(PROFILE_ID)))


def valid_profile() -> dict[str, Any]:
    """Accepted as is (never sent unchanged here: it would be stored)."""
    return {
        "email": "camille@example.org",
        "name": "Camille",
        "year_of_birth": TODAY.year - 30,
        "highest_degree": "BAC_BACPRO",
        "frustrations": ["INTERVIEW", "RACE_DISCRIMINATION"],
        "projects": [{
            "target_job": {"rome_code": "M1607"},
            "city": {"name": "Toulouse", "departement_id": "31"},
            "mobility_area": "DEPARTEMENT",
            "kind": "FIND_A_NEW_JOB",
            "job_search_started_at": (TODAY - dt.timedelta(days=90)).isoformat(),
            "total_interview_count": 3,
            "network_estimate": 2,
        }],
    }


def with_changes(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(valid_profile())
    target: Any = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


def errors_of(client: TestClient, body: Any, method: str = "POST") -> list[dict[str, Any]]:
    url = "/api/v1/profiles" if method == "POST" else f"/api/v1/profiles/{PROFILE_ID}"
    response = client.request(method, url, json=body)
    assert response.status_code == 422, response.text
    detail: list[dict[str, Any]] = response.json()["detail"]
    return detail


def only_error(client: TestClient, body: Any, method: str = "POST") -> dict[str, Any]:
    detail = errors_of(client, body, method)
    assert len(detail) == 1, detail
    return detail[0]


P0 = ("projects", 0)


def test_the_baseline_is_valid() -> None:
    from shared.schemas.profile import ProfileIn

    ProfileIn.model_validate(valid_profile())
    cache = ReferentialCache.from_seed()
    assert cache.is_known_rome("M1607")
    assert cache.is_known_departement("31")


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_unknown_rome_code(client: TestClient, method: str) -> None:
    error = only_error(client, with_changes((*P0, "target_job"), {"rome_code": "N9999"}), method)
    assert error["loc"] == ["body", "projects", 0, "target_job", "rome_code"]
    assert error["type"] == "unknown_reference"
    assert "N9999" in error["msg"]


def test_malformed_rome_code(client: TestClient) -> None:
    error = only_error(client, with_changes((*P0, "target_job"), {"rome_code": "M16070"}))
    assert error["loc"] == ["body", "projects", 0, "target_job", "rome_code"]
    assert error["type"] == "string_pattern_mismatch"


@pytest.mark.parametrize("departement_id", ["20", "975", "00"])  # well formed, unknown (Corsica is 2A/2B)
def test_unknown_departement(client: TestClient, departement_id: str) -> None:
    error = only_error(client, with_changes((*P0, "city"), {"name": "Nulle part", "departement_id": departement_id}))
    assert error["loc"] == ["body", "projects", 0, "city", "departement_id"]
    assert error["type"] == "unknown_reference"
    assert departement_id in error["msg"]


def test_malformed_departement(client: TestClient) -> None:
    error = only_error(client, with_changes((*P0, "city"), {"name": "Toulouse", "departement_id": "ABC"}))
    assert error["loc"] == ["body", "projects", 0, "city", "departement_id"]
    assert error["type"] == "string_pattern_mismatch"


def test_every_unknown_reference_is_reported_with_its_project_index(client: TestClient) -> None:
    body = valid_profile()
    second = copy.deepcopy(body["projects"][0])
    second["target_job"] = {"rome_code": "A9999"}
    second["city"] = {"name": "Ajaccio", "departement_id": "20"}
    body["projects"].append(second)
    locs = [error["loc"] for error in errors_of(client, body)]
    assert locs == [
        ["body", "projects", 1, "target_job", "rome_code"],
        ["body", "projects", 1, "city", "departement_id"],
    ]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("highest_degree",), "PHD"),
        (("gender",), "OTHER"),
        (("family_situation",), "COMPLICATED"),
        ((*P0, "mobility_area"), "GALAXY"),
        ((*P0, "kind"), "FIND_A_JOB"),
        ((*P0, "seniority"), "GURU"),
        ((*P0, "training_fulfillment"), "MAYBE"),
        ((*P0, "weekly_applications"), "TONS"),
        ((*P0, "passion_level"), "love"),
        ((*P0, "previous_job_similarity"), "DONE_IT"),
    ],
    ids=lambda v: v if isinstance(v, str) else ".".join(map(str, v)),
)
def test_bad_enum_value(client: TestClient, path: tuple[str | int, ...], value: str) -> None:
    error = only_error(client, with_changes(path, value))
    assert error["loc"] == ["body", *path]
    assert error["type"] == "enum"
    assert "input" not in error, "errors say where and why, never echo the submitted value"


def test_errors_never_echo_discrimination_answers(client: TestClient) -> None:
    body = with_changes(("frustrations",), ["RACE_DISCRIMINATION", "RACE_DISCRIMINATION"])
    response = client.post("/api/v1/profiles", json=body)
    assert response.status_code == 422
    assert "RACE_DISCRIMINATION" not in response.text


def test_bad_enum_value_inside_a_list(client: TestClient) -> None:
    body = with_changes(("frustrations",), ["INTERVIEW", "BORED"])
    error = only_error(client, body)
    assert error["loc"] == ["body", "frustrations", 1]
    assert error["type"] == "enum"
    error = only_error(client, with_changes((*P0, "employment_types"), ["CDI", "FOREVER"]))
    assert error["loc"] == ["body", "projects", 0, "employment_types", 1]


@pytest.mark.parametrize("days_ahead", [1, 400])
def test_search_start_date_in_the_future(client: TestClient, days_ahead: int) -> None:
    start = (TODAY + dt.timedelta(days=days_ahead)).isoformat()
    error = only_error(client, with_changes((*P0, "job_search_started_at"), start))
    assert error["loc"] == ["body", "projects", 0, "job_search_started_at"]
    assert error["type"] == "value_error"
    assert "future" in error["msg"]


def test_search_start_date_before_1950(client: TestClient) -> None:
    error = only_error(client, with_changes((*P0, "job_search_started_at"), "1949-12-31"))
    assert error["loc"] == ["body", "projects", 0, "job_search_started_at"]


@pytest.mark.parametrize("age", [13, 0, -5])
def test_year_of_birth_too_recent(client: TestClient, age: int) -> None:
    error = only_error(client, with_changes(("year_of_birth",), TODAY.year - age))
    assert error["loc"] == ["body", "year_of_birth"]
    assert error["type"] == "value_error"
    assert "14" in error["msg"]


def test_year_of_birth_too_old(client: TestClient) -> None:
    error = only_error(client, with_changes(("year_of_birth",), 1919))
    assert error["loc"] == ["body", "year_of_birth"]
    assert error["type"] == "greater_than_equal"


@pytest.mark.parametrize(
    ("field", "value", "error_type"),
    [
        ("network_estimate", 4, "less_than_equal"),
        ("network_estimate", 0, "greater_than_equal"),
        ("total_interview_count", -1, "greater_than_equal"),
        ("total_interview_count", 1001, "less_than_equal"),
        ("min_salary", -1, "greater_than_equal"),
    ],
)
def test_impossible_ranges(client: TestClient, field: str, value: int, error_type: str) -> None:
    error = only_error(client, with_changes((*P0, field), value))
    assert error["loc"] == ["body", "projects", 0, field]
    assert error["type"] == error_type


def test_impossible_coordinates(client: TestClient) -> None:
    error = only_error(
        client, with_changes((*P0, "city"), {"name": "Toulouse", "departement_id": "31", "latitude": 91})
    )
    assert error["loc"] == ["body", "projects", 0, "city", "latitude"]


def test_duplicate_frustrations(client: TestClient) -> None:
    error = only_error(client, with_changes(("frustrations",), ["INTERVIEW", "RESUME", "INTERVIEW"]))
    assert error["loc"] == ["body", "frustrations"]
    assert error["type"] == "value_error"
    assert "repeat" in error["msg"]


def test_duplicate_contract_types(client: TestClient) -> None:
    error = only_error(client, with_changes((*P0, "employment_types"), ["CDI", "CDI"]))
    assert error["loc"] == ["body", "projects", 0]
    assert "employment_types" in error["msg"]


def test_not_started_together_with_a_start_date(client: TestClient) -> None:
    error = only_error(client, with_changes((*P0, "job_search_has_not_started"), True))
    assert error["loc"] == ["body", "projects", 0]
    assert error["type"] == "value_error"
    assert "job_search_started_at" in error["msg"]


@pytest.mark.parametrize(
    "path",
    [("favourite_colour",), (*P0, "salary_wish"), (*P0, "city", "zip"), (*P0, "target_job", "label")],
    ids=lambda p: ".".join(map(str, p)),
)
def test_extra_unknown_fields(client: TestClient, path: tuple[str | int, ...]) -> None:
    error = only_error(client, with_changes(path, "blue"))
    assert error["loc"] == ["body", *path]
    assert error["type"] == "extra_forbidden"


def test_no_projects(client: TestClient) -> None:
    error = only_error(client, with_changes(("projects",), []))
    assert error["loc"] == ["body", "projects"]
    assert error["type"] == "too_short"
    body = valid_profile()
    del body["projects"]
    error = only_error(client, body)
    assert error["loc"] == ["body", "projects"]
    assert error["type"] == "missing"


def test_too_many_projects(client: TestClient) -> None:
    body = valid_profile()
    body["projects"] = body["projects"] * 6
    error = only_error(client, body)
    assert error["loc"] == ["body", "projects"]
    assert error["type"] == "too_long"


def test_bad_email(client: TestClient) -> None:
    error = only_error(client, with_changes(("email",), "not-an-email"))
    assert error["loc"] == ["body", "email"]


def test_every_error_of_a_profile_is_reported_at_once(client: TestClient) -> None:
    body = with_changes(("year_of_birth",), TODAY.year)
    body["projects"][0]["network_estimate"] = 4
    body["projects"][0]["total_interview_count"] = -2
    locs = sorted(tuple(map(str, error["loc"])) for error in errors_of(client, body))
    assert locs == sorted([
        ("body", "year_of_birth"),
        ("body", "projects", "0", "network_estimate"),
        ("body", "projects", "0", "total_interview_count"),
    ])


def test_not_json(client: TestClient) -> None:
    response = client.post("/api/v1/profiles", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def oversized_body() -> bytes:
    body = valid_profile()
    body["padding"] = "x" * (64 * 1024)  # would be a 422 (extra field) if the size limit let it through
    import json

    return json.dumps(body).encode()


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_oversized_payload(client: TestClient, method: str) -> None:
    url = "/api/v1/profiles" if method == "POST" else f"/api/v1/profiles/{PROFILE_ID}"
    raw = oversized_body()
    assert len(raw) > 64 * 1024
    response = client.request(method, url, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large"}


def test_oversized_payload_without_content_length(client: TestClient) -> None:
    raw = oversized_body()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(raw), 8192):
            yield raw[start:start + 8192]

    response = client.post("/api/v1/profiles", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_parsed(client: TestClient) -> None:
    body = valid_profile()
    body["padding"] = "x" * (60 * 1024)
    error = only_error(client, body)  # reaches validation: 422, not 413
    assert error["loc"] == ["body", "padding"]
    assert error["type"] == "extra_forbidden"
