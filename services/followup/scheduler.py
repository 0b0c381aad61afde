"""The durable scheduler: plans what is due from the people collection, records each decision with the
events it must emit, then relays those events to Kafka.

decide -> record (decision with its outbox, deterministic id) -> emit -> mark relayed. A crash after
recording leaves the decision unrelayed: the next tick sends it, once. A crash before recording decides
again, to the same id. A failed emit is counted and retried on the next tick; the notifier dedupes on
the idempotency key, so even a send repeated after an unrecorded acknowledgement mails nothing twice."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from services.followup import events, metrics
from services.followup.adapters.emitter import Emitter
from services.followup.adapters.store import OUTBOX_COLLECTIONS, Store
from services.followup.config import FollowupSettings
from services.followup.domain.emails import survey_email
from services.followup.domain.links import SURVEY_LINK_LIFETIME, LinkClaims, sign
from services.followup.domain.schedule import PersonState, Release, Send, Skip, plan
from shared import metrics as shared_metrics
from shared.schemas.followup import AdviceReleased, Group, SurveySent
from shared.schemas.notification import NotificationRequested
from shared.topics import NOTIFICATIONS

log = logging.getLogger(__name__)
UNSUBSCRIBE_LIFETIME = None  # unsubscribing must work from any old email


def state(person: dict[str, Any]) -> PersonState:
    return PersonState(
        signed_up_at=person["signed_up_at"],
        group=Group(person["group"]),
        search_started=person["search_started"],
        has_email=bool(person["email"]),
        unsubscribed=person["unsubscribed_at"] is not None,
        erased=person["erased_at"] is not None,
        last_status_at=person["last_status_at"],
        stopped_seeking=person["stopped_seeking"],
        handled=frozenset(person["handled"]),
        answered=frozenset(person["answered"]),
        released=person["released_at"] is not None,
    )


@dataclass(frozen=True)
class TickReport:
    planned_people: int
    relayed: int
    failed: bool


class Scheduler:
    def __init__(self, store: Store, settings: FollowupSettings, emitter: Emitter) -> None:
        self.store = store
        self.settings = settings
        self.emitter = emitter

    def tick(self, now: dt.datetime) -> TickReport:
        """One pass (synchronous: run it through run_sync). Catches up on everything due by `now`."""
        planned = 0
        while True:
            batch = self.plan_batch(now)
            planned += batch
            if batch < self.settings.scheduler_batch_size:
                break
        relayed, failed = self.relay(now)
        return TickReport(planned, relayed, failed)

    def plan_batch(self, now: dt.datetime) -> int:
        people = self.store.due_people(now, self.settings.scheduler_batch_size)
        self.plan_people(people, now)
        return len(people)

    def plan_people(self, people: list[dict[str, Any]], now: dt.datetime) -> None:
        """Decide and record what is due for these people at `now` (their decisions in one write)."""
        plans = [(person, plan(state(person), now)) for person in people]
        self.store.record_decisions([doc for person, p in plans for doc in self._decisions(person, p.actions, now)])
        for person, p in plans:
            handled = [a.survey.key for a in p.actions if isinstance(a, Send | Skip)]
            released = now if any(isinstance(a, Release) for a in p.actions) else None
            self.store.mark_planned(person, handled, released, p.next_check)

    def _decisions(self, person: dict[str, Any], actions: list[Send | Skip | Release], now: dt.datetime,
                   ) -> list[dict[str, Any]]:
        pid = person["_id"]
        docs = []
        for action in actions:
            base = {"profile_id": pid, "decided_at": now}
            if isinstance(action, Release):
                data = AdviceReleased(profile_id=pid, released_at=now, reason=action.reason)
                docs.append({"_id": f"{pid}:release", **base, "action": "release", "reason": action.reason,
                             "outbox": events.outbox([events.released(data)]), "relayed": False})
                metrics.DECISIONS.labels("release", "released").inc()
            elif isinstance(action, Skip):
                docs.append({"_id": f"{pid}:{action.survey.key}", **base, "action": "skip",
                             "survey_key": action.survey.key, "reason": action.reason.value,
                             "outbox": [], "relayed": True})
                metrics.DECISIONS.labels(action.survey.kind.value, action.reason.value).inc()
            else:
                docs.append(self._send(person, action, now))
                metrics.DECISIONS.labels(action.survey.kind.value, "sent").inc()
        return docs

    def _send(self, person: dict[str, Any], action: Send, now: dt.datetime) -> dict[str, Any]:
        pid, survey = person["_id"], action.survey
        sent = SurveySent(profile_id=pid, kind=survey.kind, round=survey.round, signed_up_at=person["signed_up_at"],
                          group=Group(person["group"]), sent_at=now)
        key = self.settings.key
        email = survey_email(
            survey.kind, person["locale"], self.settings.public_url,
            sign(LinkClaims("survey", pid, survey.key), key, now, SURVEY_LINK_LIFETIME),
            sign(LinkClaims("unsubscribe", pid, None), key, now, UNSUBSCRIBE_LIFETIME),
        )
        notification = NotificationRequested(
            idempotency_key=f"followup:{pid}:{survey.key}", recipient_id=pid, to=person["email"],
            subject=email.subject, text=email.text, category="survey", locale=person["locale"],
        )
        return {
            "_id": f"{pid}:{survey.key}", "profile_id": pid, "decided_at": now, "action": "send",
            "survey_key": survey.key, "survey": sent.model_dump(mode="json"),
            "outbox": events.outbox([events.notification(notification, now), events.survey_sent(sent)]),
            "relayed": False,
        }

    def _still_wanted(self, doc: dict[str, Any]) -> list[dict[str, str]]:
        """The outbox, without its email if the person was erased after the decision was planned (a tick that
        read the person just before the erasure records its decision just after)."""
        outbox: list[dict[str, str]] = doc["outbox"]
        if not any(r["topic"] == NOTIFICATIONS.name for r in outbox):
            return outbox
        person = self.store.person(doc["profile_id"])
        if person is None or person["erased_at"] is None:
            return outbox
        return [r for r in outbox if r["topic"] != NOTIFICATIONS.name]

    def relay(self, now: dt.datetime) -> tuple[int, bool]:
        """Emit pending outboxes, at most a batch per collection; returns (documents relayed, failed)."""
        relayed = 0
        for collection in OUTBOX_COLLECTIONS:
            while docs := self.store.pending(collection, self.settings.scheduler_batch_size):
                try:
                    self.emitter.emit([r for doc in docs for r in events.records(self._still_wanted(doc))])
                except Exception:
                    metrics.EMIT_FAILURES.inc()
                    log.exception("could not emit the followup outbox; retrying at the next tick")
                    return relayed, True
                self.store.mark_relayed(collection, [doc["_id"] for doc in docs], now)
                for doc in docs:
                    for record in doc["outbox"]:
                        shared_metrics.EVENTS_PRODUCED.labels(self.settings.service_name, record["topic"]).inc()
                relayed += len(docs)
        return relayed, False
