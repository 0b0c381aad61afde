"""One request followed end to end by its id: the gateway's request id is the trace id, found in the gateway's access
log, the profile API's request log, the Kafka records the request caused (their `traceparent` header) and the
diagnosis and advice workers' batch logs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from deploy.local.platform import Platform
from shared.messaging import tracing
from shared.messaging.access import KafkaAccess
from shared.messaging.binding import header
from shared.messaging.envelope import any_event
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED
from tests.support import bearer, json_lines, poll_ready, read_topic, sign_in, unique_email, wait_for


def log_lines(platform: Platform, process: str, **wanted: Any) -> list[dict[str, Any]]:
    """The JSON lines of a process's log having these values."""
    path: Path = platform.config.state_dir / "logs" / f"{process}.log"
    return [line for line in json_lines(path) if all(line.get(k) == v for k, v in wanted.items())]


def batches_with(platform: Platform, process: str, topic: str, trace: str) -> list[dict[str, Any]]:
    return [line for line in log_lines(platform, process, message="batch handled", topic=topic)
            if trace in line.get("trace_ids", ())]


def test_a_profile_is_followed_by_its_request_id_through_every_hop(
    platform: Platform, kafka_bootstrap: KafkaAccess
) -> None:
    email = unique_email("traced")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens = sign_in(client, platform.config.maildir, email)
        me = bearer(tokens["access_token"])
        person = tokens["account"]["account_id"]
        profile = {
            "email": email, "year_of_birth": 1988, "highest_degree": "BAC_BACPRO", "frustrations": ["INTERVIEW"],
            "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                          "mobility_area": "DEPARTEMENT", "job_search_has_not_started": True}],
        }
        created = client.post("/api/v1/profiles", json=profile, headers=me)
        assert created.status_code == 201, created.text
        ids = set(created.headers.get_list("X-Request-ID"))  # the gateway's, and the API's echo of it
        assert len(ids) == 1, ids
        request_id = ids.pop()
        assert tracing.trace_id(created.headers["traceparent"]) == request_id
        with httpx.Client(base_url=platform.config.gateway_url, headers=me, timeout=10) as signed_in:
            poll_ready(signed_in, f"/api/v1/profiles/{person}/advice")

    [gateway] = wait_for("the gateway's access log line", lambda: log_lines(
        platform, "nginx-access", request_id=request_id))
    assert (gateway["method"], gateway["uri"], gateway["status"]) == ("POST", "/api/v1/profiles", 201)

    [api] = wait_for("the profile API's request log line", lambda: log_lines(
        platform, "profile-api", message="request", trace_id=request_id))
    assert (api["request_id"], api["method"], api["status"]) == (request_id, "POST", 201)

    wait_for("the diagnosis worker's batch log line", lambda: batches_with(
        platform, "diagnosis-worker", PROFILE_SUBMITTED.name, request_id))
    wait_for("the advice worker's batch log line", lambda: batches_with(
        platform, "advice-worker", DIAGNOSIS_COMPLETED.name, request_id))

    for topic in (PROFILE_SUBMITTED, DIAGNOSIS_COMPLETED, ADVICE_GENERATED):
        records = [r for r in read_topic(kafka_bootstrap, topic.name) if r.key == person.encode()]
        assert records, f"no record on {topic.name} for the profile"
        traces = {tracing.trace_id(header(r.headers, tracing.TRACEPARENT_HEADER)) for r in records}
        assert traces == {request_id}, f"{topic.name} records carry {traces}"
        # Each event names the JSON Schema of its data: the gateway serves it, to anyone.
        for schema in {any_event(r.value).dataschema for r in records}:
            served = httpx.get(schema, timeout=10)
            assert served.status_code == 200, schema
            assert served.headers["content-type"].startswith("application/json")
            assert served.json()["properties"], schema


def test_the_gateway_serves_the_event_catalogue_to_anyone(platform: Platform) -> None:
    served = httpx.get(f"{platform.config.gateway_url}/api/v1/events/asyncapi.json", timeout=10)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/json")
    document = served.json()
    assert document["asyncapi"].startswith("3.")
    assert PROFILE_SUBMITTED.name in document["channels"]
