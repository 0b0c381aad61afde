"""Crypto-shredding, tried as someone who can read every topic would: two people with the same sensitive answers
(a handicap, discrimination) go through the journey (sign-in, profile, diagnosis and advice with a help offer by
email, an export; a CV for the one to erase); one is erased. Then every record of every topic is read from the
beginning as the admin: nothing readable of the erased person remains (email, name, birth year, handicap,
discrimination answers, target job), their sealed fields open with no key there is, while the other person's still
open with theirs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from deploy.local.platform import Platform
from shared.crypto.cipher import SealError
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import any_event
from shared.schemas.privacy import SERVICES
from shared.topics import (
    ADVICE_GENERATED,
    DIAGNOSIS_COMPLETED,
    PRIVACY_ANSWERS,
    PROFILE_SUBMITTED,
    REGISTRY,
)
from tests.support import (
    bearer,
    broker_topics,
    person_key,
    poll_ready,
    read_topic,
    sign_in,
    unique_email,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SENSITIVE = ("has_handicap", "DISCRIMINATION", "year_of_birth", "M1607")


class Person:
    def __init__(self, client: httpx.Client, platform: Platform, who: str) -> None:
        self.email = unique_email(who)
        # "é" and "@" are not base64url: a readable name or address cannot hide inside a token by chance.
        self.name = f"Hélène {who}-{uuid.uuid4().hex[:6]}"
        tokens = sign_in(client, platform.config.maildir, self.email)
        self.headers = bearer(tokens["access_token"])
        self.id: str = tokens["account"]["account_id"]

    def go_through_the_journey(self, client: httpx.Client, platform: Platform, cv: bool) -> None:
        profile = {
            "email": self.email, "name": self.name, "year_of_birth": 1979, "has_handicap": True,
            "frustrations": ["INTERVIEW", "SEX_DISCRIMINATION", "RACE_DISCRIMINATION"],
            "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                          "job_search_started_at": "2026-05-01"}],
        }
        created = client.post("/api/v1/profiles", json=profile, headers=self.headers)
        assert created.status_code == 201, created.text
        with httpx.Client(base_url=platform.config.gateway_url, headers=self.headers, timeout=10) as signed_in:
            poll_ready(signed_in, f"/api/v1/profiles/{self.id}/advice")
        if cv:
            text = f"{self.name}\n{self.email}\n".encode()
            uploaded = client.post("/api/v1/documents", data={"kind": "RESUME"},
                                   files={"file": ("cv.txt", text, "text/plain")}, headers=self.headers)
            assert uploaded.status_code == 201, uploaded.text
        export_id = client.post("/api/v1/accounts/me/exports", headers=self.headers).json()["export_id"]

        def ready() -> bool:
            return bool(client.get(f"/api/v1/accounts/me/exports/{export_id}",
                                   headers=self.headers).json()["status"] == "ready")

        wait_for("the export", lambda: ready() or None)


def erase(client: httpx.Client, person: Person, kafka: KafkaAccess) -> None:
    erased = client.delete("/api/v1/accounts/me", headers=person.headers)
    assert erased.status_code == 202, erased.text
    request_id = erased.json()["request_id"]

    def completed() -> set[str] | None:
        done = {
            any_event(record.value).data["service"]
            for record in read_topic(kafka, PRIVACY_ANSWERS.name)
            if b"privacy.erasure.completed" in record.value and request_id.encode() in record.value
        }
        return done if done >= set(SERVICES) else None

    wait_for("erasure completed by every service", completed, timeout=90)


def every_record(kafka: KafkaAccess) -> list[tuple[str, bytes | None, str]]:
    return [(topic, record.key, record.value.decode("utf-8", errors="replace"))
            for topic in broker_topics(kafka) for record in read_topic(kafka, topic) if record.value is not None]


def test_after_an_erasure_no_topic_holds_anything_readable_about_the_person(
    platform: Platform, kafka_bootstrap: KafkaAccess
) -> None:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        erased, kept = Person(client, platform, "shredded"), Person(client, platform, "kept")
        # A CV for the erased person only: the platform's helpers are shared by the tests, and the erasure frees
        # the one it was assigned to.
        erased.go_through_the_journey(client, platform, cv=True)
        kept.go_through_the_journey(client, platform, cv=False)
        erase(client, erased, kafka_bootstrap)

    assert person_key(erased.id) is None, "erasure destroys the data key"
    kept_key = person_key(kept.id)
    assert kept_key is not None

    records = every_record(kafka_bootstrap)
    about_erased = [(topic, text) for topic, key, text in records
                    if key == erased.id.encode() or erased.id in text]
    # The scan sees the erased person's events: their profile, diagnosis and advice are still on the topics...
    assert {PROFILE_SUBMITTED.name, DIAGNOSIS_COMPLETED.name, ADVICE_GENERATED.name} <= {t for t, _ in about_erased}
    for topic, _, text in records:
        for readable in (erased.email, erased.name, erased.email.split("@")[0]):
            assert readable not in text, f"{readable!r} readable on {topic}"
    for topic, text in about_erased:
        for readable in SENSITIVE:
            assert readable not in text, f"{readable!r} readable on {topic} in a record about the erased person"

    # ...and sealed: no key opens them any more, not even the other person's.
    sealed = {topic: REGISTRY.decode(text.encode()).data for topic, key, text in records
              if key == erased.id.encode() and topic in (PROFILE_SUBMITTED.name, DIAGNOSIS_COMPLETED.name)}
    for data in sealed.values():
        with pytest.raises(SealError):
            data.opened(kept_key)

    # The other person's events still open with their key, sensitive answers included.
    def kept_event(topic: str) -> Any:
        return next(REGISTRY.decode(text.encode()).data for t, key, text in records
                    if t == topic and key == kept.id.encode())

    profile = kept_event(PROFILE_SUBMITTED.name).opened(kept_key, with_contact=True).profile
    assert profile.has_handicap
    assert {"SEX_DISCRIMINATION", "RACE_DISCRIMINATION"} <= set(profile.frustrations)
    assert (profile.email, profile.name) == (kept.email, None)  # the name never travels
    diagnosed = kept_event(DIAGNOSIS_COMPLETED.name).opened(kept_key)
    assert diagnosed.profile.year_of_birth == 1979
    advice = kept_event(ADVICE_GENERATED.name).opened(kept_key)
    assert "fight-discrimination" in {item.module_id for item in advice.advice}
