"""In-app feedback (issue 16) through the gateway on the real platform: a person judges their main challenge,
rates a piece of advice and leaves a note; each is stored, read back, emitted on `advice.feedback` (the note
sealed), counted in the operators' summary, exported with the person's data and erased with it. Nobody else reads
or writes it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from shared.auth.tokens import Role
from shared.messaging.access import KafkaAccess
from shared.schemas.feedback import NoteLeft
from shared.topics import FEEDBACK
from tests.support import access_token, bearer, person_key, poll_ready, read_topic, sign_in, unique_email, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NOTE = "Le réseau, je n'y avais pas pensé."
PROFILE = {
    "year_of_birth": 1985, "frustrations": ["RESUME"],
    "self_diagnosis": {"challenge": "stuck-market", "note": "Pas d'offres"}, "coaching_emails": "WEEKLY",
    "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                  "job_search_started_at": "2026-05-01", "total_interview_count": 0}],
}


def events_of(kafka: KafkaAccess, person: str) -> list[dict[str, Any]]:
    """The person's feedback events, once each: the outbox relay sends at least once, and a repeat has the same id
    (consumers skip it)."""
    found = {e["id"]: e for r in read_topic(kafka, FEEDBACK.name) if (e := json.loads(r.value))["subject"] == person}
    return list(found.values())


def test_feedback_is_stored_emitted_summarised_exported_and_erased(
    platform: Platform, kafka_bootstrap: KafkaAccess
) -> None:
    email = unique_email("feedback")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens = sign_in(client, platform.config.maildir, email)
        me = bearer(tokens["access_token"])
        person = tokens["account"]["account_id"]
        created = client.post("/api/v1/profiles", json={**PROFILE, "email": email}, headers=me)
        assert created.status_code == 201, created.text
        # The profile service keeps the guess and the coaching choice.
        stored = client.get(f"/api/v1/profiles/{person}", headers=me).json()["profile"]
        assert stored["self_diagnosis"] == PROFILE["self_diagnosis"]
        assert stored["coaching_emails"] == "WEEKLY"
        with httpx.Client(base_url=platform.config.gateway_url, headers=me, timeout=10) as signed_in:
            advice = poll_ready(signed_in, f"/api/v1/profiles/{person}/advice")  # no control group locally
        version = advice["profile_version"]
        module_id = advice["result"]["advice"][0]["module_id"]
        base = f"/api/v1/profiles/{person}/feedback"

        judged = client.put(f"{base}/challenge", json={"profile_version": version, "agrees": False}, headers=me)
        assert judged.status_code == 200, judged.text
        assert judged.json()["agrees"] is False
        main_challenge = judged.json()["main_challenge"]
        rated = client.put(f"{base}/advice/{module_id}", json={"profile_version": version, "stars": 2}, headers=me)
        assert rated.status_code == 200, rated.text
        # Rating again replaces the stars.
        assert client.put(f"{base}/advice/{module_id}", json={"profile_version": version, "stars": 4},
                          headers=me).status_code == 200
        assert client.put(f"{base}/note", json={"note": NOTE}, headers=me).status_code == 200

        items = client.get(base, headers=me).json()["items"]
        assert {i["kind"] for i in items} == {"challenge", "advice", "note"}
        assert [i["stars"] for i in items if i["kind"] == "advice"] == [4]

        # Bad input: 422 naming the field.
        wrong = client.put(f"{base}/advice/not-a-module", json={"profile_version": version, "stars": 3}, headers=me)
        assert wrong.status_code == 422
        assert wrong.json()["detail"][0]["loc"] == ["path", "module_id"]
        too_many = client.put(f"{base}/advice/{module_id}", json={"profile_version": version, "stars": 6}, headers=me)
        assert too_many.status_code == 422
        assert too_many.json()["detail"][0]["loc"][-1] == "stars"
        long_note = client.put(f"{base}/note", json={"note": "x" * 501}, headers=me)
        assert long_note.status_code == 422
        assert long_note.json()["detail"][0]["loc"][-1] == "note"
        assert client.put(f"{base}/challenge", json={"profile_version": version + 5, "agrees": True},
                          headers=me).status_code == 404

        # Another person can neither read nor write it; no token at all is 401.
        other = bearer(access_token())
        assert client.get(base, headers=other).status_code == 403
        assert client.put(f"{base}/note", json={"note": "hijack"}, headers=other).status_code == 403
        assert client.put(f"{base}/challenge", json={"profile_version": version, "agrees": True},
                          headers=other).status_code == 403
        assert client.get(base).status_code == 401
        # The summary is for operators only.
        assert client.get("/api/v1/advice/feedback/summary", headers=me).status_code == 403
        summary = client.get("/api/v1/advice/feedback/summary",
                             headers=bearer(access_token(None, Role.OPERATOR))).json()
        assert summary["judged"] >= 1
        assert summary["notes"] >= 1
        assert any(r["module_id"] == module_id for r in summary["ratings"])
        assert any(c["challenge"] == main_challenge for c in summary["by_challenge"])

        # Every change is an event on the backbone; the note only sealed with the person's key.
        def four_events() -> list[dict[str, Any]] | None:
            found = events_of(kafka_bootstrap, person)
            return found if len(found) >= 4 else None

        events = wait_for("the feedback events", four_events)
        assert sorted(e["type"] for e in events) == sorted([
            "feedback.challenge-judged", "feedback.advice-rated", "feedback.advice-rated", "feedback.note-left"])
        note_event = next(e for e in events if e["type"] == "feedback.note-left")
        assert NOTE not in json.dumps(note_event, ensure_ascii=False)
        key = person_key(person)
        assert key is not None
        assert NoteLeft.model_validate(note_event["data"]).opened(key) == NOTE

        # Exported with the rest of the person's data.
        export_id = client.post("/api/v1/accounts/me/exports", headers=me).json()["export_id"]

        def archive() -> dict[str, Any] | None:
            body: dict[str, Any] = client.get(f"/api/v1/accounts/me/exports/{export_id}", headers=me).json()
            return body if body["status"] == "ready" else None

        exported = wait_for("the export archive", archive)["services"]["advice"]["feedback"]
        assert {i["kind"] for i in exported} == {"challenge", "advice", "note"}
        assert any(i.get("note") == NOTE for i in exported)

        # Erased with it.
        assert client.delete("/api/v1/accounts/me", headers=me).status_code == 202
        same_subject = bearer(access_token(person))  # the account's own tokens end with the erasure

        def erased() -> bool:
            items: list[Any] = client.get(base, headers=same_subject).json()["items"]
            return not items

        wait_for("the feedback erased", erased)
