"""The action plan through the real platform (gateway, advice API and its outbox relay, Kafka, notifier, GDPR):
a person picks a strategy, chooses actions, marks one done, emails the plan to themselves; the changes are events
on `engagement.actions`, sealed with their key; the plan is in their export and gone after their erasure; nobody
else reaches it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pymongo
import pytest

from deploy.local.platform import Platform
from shared.auth.tokens import Role
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import any_event
from shared.schemas.engagement import SealedPlanChanged
from shared.topics import ENGAGEMENT_ACTIONS, PRIVACY_ANSWERS
from tests.support import (
    access_token,
    bearer,
    mail_text,
    person_key,
    poll_ready,
    read_topic,
    sign_in,
    unique_email,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

PLAN = "/api/v1/advice/plan"
PROFILE = {
    "year_of_birth": 1985, "frustrations": ["INTERVIEW"],
    "projects": [{"target_job": {"rome_code": "M1607"}, "city": {"name": "Toulouse", "departement_id": "31"},
                  "job_search_started_at": "2026-05-01", "weekly_applications": "DECENT_AMOUNT"}],
}


def plan_events(kafka: KafkaAccess, person: str) -> list[Any]:
    """The person's events, once each: the relay may send an entry twice, with the same ids (consumers dedupe)."""
    events = (any_event(r.value) for r in read_topic(kafka, ENGAGEMENT_ACTIONS.name))
    return list({e.id: e for e in events if e.subject == person}.values())


def test_a_person_plans_marks_emails_exports_and_erases(platform: Platform, kafka_bootstrap: KafkaAccess) -> None:
    email = unique_email("plan")
    with httpx.Client(base_url=platform.config.gateway_url, timeout=15) as client:
        tokens = sign_in(client, platform.config.maildir, email)
        me = bearer(tokens["access_token"])
        person = tokens["account"]["account_id"]
        assert client.post("/api/v1/profiles", json={"email": email, **PROFILE}, headers=me).status_code == 201
        with httpx.Client(base_url=platform.config.gateway_url, headers=me, timeout=15) as signed_in:
            poll_ready(signed_in, f"/api/v1/profiles/{person}/advice")

        view = client.get(PLAN, headers=me).json()
        assert view["status"] == "ready"
        assert view["plan"] is None
        assert 2 <= len(view["strategies"]) <= 4
        strategy = view["strategies"][0]
        first, *others = [a["id"] for a in strategy["actions"]]
        soon = (dt.date.today() + dt.timedelta(days=7)).isoformat()
        chosen = [{"id": first, "target_date": soon}] + [{"id": i} for i in others[:1]]

        # Bad input names its field; nobody else reaches the plan.
        refused = client.put(PLAN, json={"strategy_id": "no-such-strategy", "actions": chosen}, headers=me)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "strategy_id"]
        refused = client.put(PLAN, json={"strategy_id": strategy["id"], "actions": [{"id": "x", "target_date": 3}]},
                             headers=me)
        assert refused.status_code == 422
        assert client.get(PLAN).status_code == 401
        assert client.get(PLAN, headers=bearer(access_token(None, Role.HELPER))).status_code == 403
        assert client.get(PLAN, headers=bearer(access_token(None, Role.OPERATOR))).status_code == 403
        stranger = bearer(access_token())
        assert client.get(PLAN, headers=stranger).json() == {
            "status": "pending", "main_challenge": None, "strategies": [], "plan": None, "progress": None}
        assert client.post(f"{PLAN}/actions/{first}/state", json={"state": "done"}, headers=stranger).status_code \
            == 404

        saved = client.put(PLAN, json={"strategy_id": strategy["id"], "actions": chosen, "revision": 0}, headers=me)
        assert saved.status_code == 200, saved.text
        assert saved.json()["plan"]["revision"] == 1
        stale = client.put(PLAN, json={"strategy_id": strategy["id"], "actions": chosen, "revision": 0}, headers=me)
        assert stale.status_code == 409
        assert client.post(f"{PLAN}/actions/not-in-plan/state", json={"state": "done"}, headers=me).status_code \
            == 404
        marked = client.post(f"{PLAN}/actions/{first}/state", json={"state": "done"}, headers=me)
        assert marked.status_code == 200, marked.text
        assert marked.json()["progress"] == {"total": len(chosen), "done": 1, "stuck": 0}
        assert client.get(PLAN, headers=me).json()["plan"]["revision"] == 2

        # The events, in order on the person's partition, open only with their key.
        expected = ["plan.created"] + ["action.added"] * len(chosen) + ["action.done"]

        def all_events() -> list[Any] | None:
            found = plan_events(kafka_bootstrap, person)
            return found if len(found) >= len(expected) else None

        events = wait_for("the plan's events", all_events)
        assert [e.type for e in events] == expected
        done = SealedPlanChanged.model_validate(events[-1].data)
        assert (done.revision, done.state, done.progress.done) == (2, "done", 1)
        assert first not in json.dumps(events[-1].data)  # which action is sealed
        key = person_key(person)
        assert key is not None
        assert done.opened(key, "action.done").detail.action_id == first

        # Email me my plan: to the account's own address, through the notifier.
        assert client.post(f"{PLAN}/email", json={"locale": "en"}, headers=me).status_code == 202
        text = mail_text(platform.config.maildir, email, "/#/plan")
        assert "[done]" in text
        assert strategy["title"]["en"] in text

        # Export, then erasure.
        export_id = client.post("/api/v1/accounts/me/exports", headers=me).json()["export_id"]

        def archive() -> dict[str, Any] | None:
            body: dict[str, Any] = client.get(f"/api/v1/accounts/me/exports/{export_id}", headers=me).json()
            return body if body["status"] == "ready" else None

        exported = wait_for("the export archive", archive)["services"]["advice"]
        assert exported["action_plan"]["strategy_id"] == strategy["id"]
        assert [h["revision"] for h in exported["action_plan_history"]] == [1, 2]

        request_id = client.delete("/api/v1/accounts/me", headers=me).json()["request_id"]

        def advice_erased() -> dict[str, Any] | None:
            for record in read_topic(kafka_bootstrap, PRIVACY_ANSWERS.name):
                event = any_event(record.value)
                if event.type == "privacy.erasure.completed" and event.data["request_id"] == request_id \
                        and event.data["service"] == "advice":
                    return dict(event.data)
            return None

        erased = wait_for("the advice service's erasure", advice_erased, timeout=90)
        assert erased["counts"]["action_plans"] == 1
        assert erased["counts"]["action_plan_revisions"] == 2
    mongo: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(platform.config.mongo_url) as mongo:
        assert mongo["bob_advice"]["action_plans"].find_one({"_id": person}) is None
        assert mongo["bob_advice"]["action_plan_revisions"].count_documents({"profile_id": person}) == 0
