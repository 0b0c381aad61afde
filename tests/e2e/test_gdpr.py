"""GDPR from the person's side, through the gateway: download everything every service holds about me, then erase
my account. Afterwards no collection of any database may contain my email or my name, my sessions end and no
email is sent to me any more."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pymongo
import pytest
from pymongo.collection import Collection
from pymongo.database import Database

from deploy.local.platform import Platform
from shared.crypto.cipher import new_key
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import any_event
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import make_producer, send
from shared.schemas.notification import Notification
from shared.schemas.privacy import SERVICES
from shared.topics import NOTIFICATIONS, PRIVACY_ANSWERS
from tests.support import bearer, poll_ready, read_topic, sign_in, unique_email, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.e2e]




def places_holding(mongo_url: str, needles: list[str]) -> list[str]:
    """Every database.collection with a document containing one of the strings (case-insensitive)."""
    found = []
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(mongo_url) as client:
        for db_name in client.list_database_names():
            database: Database[dict[str, Any]] = client[db_name]
            for name in database.list_collection_names():
                for doc in database[name].find():
                    text = json.dumps(doc, default=str, ensure_ascii=False).casefold()
                    if any(n.casefold() in text for n in needles):
                        found.append(f"{db_name}.{name}")
                        break
    return found


def test_a_person_downloads_then_erases_everything(platform: Platform, kafka_bootstrap: KafkaAccess) -> None:
    email = unique_email("gdpr")
    name = f"Zoé Effacée-{uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
        tokens = sign_in(client, platform.config.maildir, email)
        me = bearer(tokens["access_token"])
        person = tokens["account"]["account_id"]
        profile = {
            "email": email, "name": name, "year_of_birth": 1985, "frustrations": ["RESUME", "AGE_DISCRIMINATION"],
            "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                          "job_search_started_at": "2026-05-01"}],
        }
        assert client.post("/api/v1/profiles", json=profile, headers=me).status_code == 201
        with httpx.Client(base_url=platform.config.gateway_url, headers=me, timeout=10) as signed_in:
            poll_ready(signed_in, f"/api/v1/profiles/{person}/advice")
        cv = f"{name}\n{email}\nSecrétaire depuis 2010\n".encode()
        uploaded = client.post("/api/v1/documents", data={"kind": "RESUME"},
                               files={"file": ("cv.txt", cv, "text/plain")}, headers=me)
        assert uploaded.status_code == 201, uploaded.text
        assert places_holding(platform.config.mongo_url, [email]), "the data must be somewhere before erasure"

        # Export: one archive gathered from every service through events.
        export_id = client.post("/api/v1/accounts/me/exports", headers=me).json()["export_id"]

        def archive() -> dict[str, Any] | None:
            body: dict[str, Any] = client.get(f"/api/v1/accounts/me/exports/{export_id}", headers=me).json()
            return body if body["status"] == "ready" else None

        ready = wait_for("the export archive", archive)
        assert set(ready["services"]) == set(SERVICES)
        dump = json.dumps(ready["services"], ensure_ascii=False)
        assert name in dump
        assert email in dump
        assert ready["services"]["profile"]["profile_versions"][0]["profile"]["name"] == name
        assert ready["services"]["diagnosis"]
        assert ready["services"]["advice"]
        assert "cv.txt" in json.dumps(ready["services"]["pledges"])
        assert set(ready["services"]["partners"]) == {"partners", "deliveries"}  # recipients GDPR lets them know of

        # Erasure: every service answers, then nothing personal is left anywhere.
        erased = client.delete("/api/v1/accounts/me", headers=me)
        assert erased.status_code == 202, erased.text
        request_id = erased.json()["request_id"]

        def completed() -> set[str] | None:
            done = {
                record.value and any_event(record.value).data["service"]
                for record in read_topic(kafka_bootstrap, PRIVACY_ANSWERS.name)
                if b"privacy.erasure.completed" in record.value and request_id.encode() in record.value
            }
            return done if done >= set(SERVICES) else None

        wait_for("erasure completed by every service", completed, timeout=90)
        assert places_holding(platform.config.mongo_url, [email, name]) == []

        assert client.get("/api/v1/accounts/me", headers=me).status_code == 404
        assert client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
        assert client.get(f"/api/v1/profiles/{person}", headers=me).status_code == 404

    # No more emails: a late notification for this person (sealed with a key that no longer exists anywhere) is
    # skipped by the notifier.
    key = f"late-{uuid.uuid4().hex}"
    note = Notification(idempotency_key=key, recipient_id=person, to="late@example.org",
                        subject="Encore vous", text="Bonjour", category="survey").sealed(new_key())
    producer = make_producer(kafka_bootstrap)
    factory = EventFactory("tests", platform.config.gateway_url)
    late = factory.event(NOTIFICATIONS.event_types[0], person, note, entity=key)
    send(producer, late.topic, late.event).get(timeout=10)  # type: ignore[attr-defined]
    producer.close()
    mongo: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(platform.config.mongo_url) as mongo:
        decided = {"_id": key, "state": {"$ne": "SENDING"}}
        notifications: Collection[dict[str, Any]] = mongo["bob_notifier"]["notifications"]
        record = wait_for("the notifier's decision", lambda: notifications.find_one(decided))
    assert record["state"] == "SKIPPED"
