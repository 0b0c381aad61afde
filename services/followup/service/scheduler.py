"""The durable scheduler: plans what is due from the people collection and records each decision with the
events it must emit (shared/messaging/outbox.py: the entry first, then the decision naming it).

A decision's id is deterministic: a tick that decides again (a crash before the person was marked, two workers
ticking at once) hits the decision already stored, and its fresh entry, named by no decision, is dropped by the
relay. A crash after recording leaves the entry to the relay's scan. So each survey goes out exactly once, and
the notifier dedupes on the idempotency key even if a send is repeated after an unrecorded acknowledgement.

The coaching emails (domain/coaching/) ride on the same ticks, decisions and outbox: one decision per (person,
focus), `<person>:coaching:<focus>`, so each focus goes out at most once however often a tick decides again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prometheus_client import Counter

from services.followup.adapters.store import Doc, Store
from services.followup.config import FollowupSettings
from services.followup.domain.coaching.catalogue import CoachingProfile, Focus
from services.followup.domain.coaching.emails import (
    COACHING_UNSUBSCRIBE_LIFETIME,
    COACHING_UNSUBSCRIBE_LINK,
    coaching_email,
)
from services.followup.domain.coaching.schedule import CoachingPlan, CoachingState, Hold, Stop, plan_coaching
from services.followup.domain.emails import (
    SURVEY_LINK,
    SURVEY_LINK_LIFETIME,
    UNSUBSCRIBE_LINK,
    UNSUBSCRIBE_LINK_LIFETIME,
    survey_email,
)
from services.followup.domain.schedule import Action, PersonState, Release, Send, Skip, SkipReason, plan
from shared.auth import links
from shared.crypto.keystore import person_keys
from shared.messaging.factory import EventFactory, Outgoing
from shared.messaging.outbox import Outbox
from shared.schemas.followup import AdviceReleased, Group, SurveyKind, SurveySent
from shared.schemas.notification import Notification
from shared.schemas.profile import CoachingFrequency

# outcome: "sent", "released", or the reason a survey was skipped
DECISIONS = Counter("bob_followup_decisions_total", "Scheduler decisions", ["kind", "outcome"])
DECISIONS.labels("release", "released")
for _kind in SurveyKind:
    for _outcome in ("sent", "no_data_key", *SkipReason):
        DECISIONS.labels(_kind.value, _outcome)
COACHING_SENT = Counter("bob_followup_coaching_sent_total", "Coaching emails decided, by focus", ["focus"])
# reason: why a plan sent no coaching email (a stop, a hold that moved the due time, or no data key)
COACHING_SKIPPED = Counter("bob_followup_coaching_skipped_total", "Coaching plans that sent nothing, by reason",
                           ["reason"])
for _focus in Focus:
    COACHING_SENT.labels(_focus.value)
for _reason in (*Stop, *Hold, "no_data_key"):
    COACHING_SKIPPED.labels(str(_reason))
COACHING_PREFIX = "coaching:"


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


def coaching_state(person: dict[str, Any]) -> CoachingState:
    """Documents written before the programme have no coaching fields: not opted in."""
    sent = {key.removeprefix(COACHING_PREFIX) for key in person["handled"] if key.startswith(COACHING_PREFIX)}
    return CoachingState(
        person_id=person["_id"],
        signed_up_at=person["signed_up_at"],
        frequency=CoachingFrequency(person.get("coaching_emails") or CoachingFrequency.NONE),
        profile=CoachingProfile.from_doc(person.get("coaching")),
        has_email=bool(person["email"]),
        unsubscribed=person.get("coaching_unsubscribed_at") is not None,
        erased=person["erased_at"] is not None,
        back_at_work=person["stopped_seeking"],
        sent=frozenset(Focus(key) for key in sent if key in Focus._value2member_map_),
        last_sent_at=person.get("coaching_last_at"),
        plan_actions_left=person.get("plan_actions_left") or 0,
    )


class Scheduler:
    def __init__(self, store: Store, outbox: Outbox, factory: EventFactory, settings: FollowupSettings) -> None:
        self.store = store
        self.outbox = outbox
        self.factory = factory
        self.settings = settings

    def tick(self, now: dt.datetime) -> list[Doc]:
        """One pass (synchronous: run it through run_sync). Catches up on everything due by `now`; returns the
        outbox entries of the decisions it recorded, for the relay."""
        entries = []
        while True:
            people = self.store.due_people(now, self.settings.scheduler_batch_size)
            entries += self.plan_people(people, now)
            if len(people) < self.settings.scheduler_batch_size:
                return entries

    def plan_people(self, people: list[Doc], now: dt.datetime) -> list[Doc]:
        """Decide and record what is due for these people at `now`; returns the outbox entries of the decisions
        recorded (not of those found already decided)."""
        plans = [(person, plan(state(person), now), self._coaching_plan(person, now)) for person in people]
        decided = [self._decision(person, action, now) for person, p, _ in plans for action in p.actions]
        decided += [self._coaching(person, c.send, now) for person, _, c in plans if c.send is not None]
        entries = {doc["_id"]: entry for doc, entry in decided if entry is not None}
        self.outbox.add(list(entries.values()))
        already = self.store.record_decisions([doc for doc, _ in decided])
        for person, p, c in plans:
            handled = [a.survey.key for a in p.actions if isinstance(a, Send | Skip)]
            if c.send is not None:
                handled.append(COACHING_PREFIX + c.send)
            released = now if any(isinstance(a, Release) for a in p.actions) else None
            checks = [check for check in (p.next_check, c.next_check) if check is not None]
            coached = now if c.send is not None else None
            self.store.mark_planned(person, handled, released, min(checks, default=None), coached)
        return [entry for decision_id, entry in entries.items() if decision_id not in already]

    @staticmethod
    def _coaching_plan(person: Doc, now: dt.datetime) -> CoachingPlan:
        coaching = plan_coaching(coaching_state(person), now)
        if coaching.send is None and (reason := coaching.stop or coaching.held) is not None:
            COACHING_SKIPPED.labels(reason.value).inc()
        return coaching

    def _coaching(self, person: Doc, focus: Focus, now: dt.datetime) -> tuple[Doc, Doc | None]:
        """The decision to send this focus and its outbox entry (None: no data key, nothing to seal with)."""
        pid = person["_id"]
        doc: Doc = {"_id": f"{pid}:{COACHING_PREFIX}{focus}", "profile_id": pid, "decided_at": now,
                    "action": "coaching", "focus": focus.value}
        if (data_key := person_keys(self.settings).get(pid)) is None:
            COACHING_SKIPPED.labels("no_data_key").inc()
            return {**doc, "action": "skip", "reason": "no_data_key"}, None
        COACHING_SENT.labels(focus.value).inc()
        token = links.sign(self.settings.key, COACHING_UNSUBSCRIBE_LINK, pid, now, COACHING_UNSUBSCRIBE_LIFETIME)
        email = coaching_email(focus, person["locale"], self.settings.public_url, token)
        note = Notification(
            idempotency_key=f"coaching:{pid}:{focus}", recipient_id=pid, to=person["email"], subject=email.subject,
            text=email.text, list_unsubscribe=email.list_unsubscribe, category="coaching", locale=person["locale"],
        )
        notification = note.sealed(data_key)  # the unsubscribe link is not readable on the topic
        event = self.factory.event("notification.requested", pid, notification, entity=notification.idempotency_key,
                                   time=now)
        entry = Outbox.entry([event], now, requires=(self.store.decisions.name, doc["_id"]))
        return {**doc, "outbox_entry": entry["_id"]}, entry

    def _decision(self, person: Doc, action: Action, now: dt.datetime) -> tuple[Doc, Doc | None]:
        """The decision document and its outbox entry (None: nothing to emit)."""
        pid = person["_id"]
        base = {"profile_id": pid, "decided_at": now}
        events: list[Outgoing]
        if isinstance(action, Skip):
            DECISIONS.labels(action.survey.kind.value, action.reason.value).inc()
            doc = {"_id": f"{pid}:{action.survey.key}", **base, "action": "skip", "survey_key": action.survey.key,
                   "reason": action.reason.value}
            return doc, None
        if isinstance(action, Release):
            DECISIONS.labels("release", "released").inc()
            doc = {"_id": f"{pid}:release", **base, "action": "release", "reason": action.reason}
            released = AdviceReleased(profile_id=pid, released_at=now, reason=action.reason)
            events = [self.factory.event("followup.advice.released", pid, released, entity=f"released:{pid}",
                                         time=now)]
        elif (data_key := person_keys(self.settings).get(pid)) is None:
            # No data key: the person was erased, or never signed in. Nobody to write to, nothing to seal with.
            DECISIONS.labels(action.survey.kind.value, "no_data_key").inc()
            doc = {"_id": f"{pid}:{action.survey.key}", **base, "action": "skip", "survey_key": action.survey.key,
                   "reason": "no_data_key"}
            return doc, None
        else:
            DECISIONS.labels(action.survey.kind.value, "sent").inc()
            sent = SurveySent(profile_id=pid, kind=action.survey.kind, round=action.survey.round,
                              signed_up_at=person["signed_up_at"], group=Group(person["group"]), sent_at=now)
            doc = {"_id": f"{pid}:{sent.key}", **base, "action": "send", "survey_key": sent.key,
                   "survey": sent.model_dump(mode="json")}
            events = [self._email(person, action, now, data_key),
                      self.factory.event("followup.survey.sent", pid, sent, entity=f"sent:{pid}:{sent.key}", time=now)]
        entry = Outbox.entry(events, now, requires=(self.store.decisions.name, doc["_id"]))
        return {**doc, "outbox_entry": entry["_id"]}, entry

    def _email(self, person: Doc, action: Send, now: dt.datetime, data_key: bytes) -> Outgoing:
        pid, survey, key = person["_id"], action.survey, self.settings.key
        email = survey_email(
            survey.kind, person["locale"], self.settings.public_url,
            links.sign(key, SURVEY_LINK, pid, now, SURVEY_LINK_LIFETIME, scope=survey.key),
            links.sign(key, UNSUBSCRIBE_LINK, pid, now, UNSUBSCRIBE_LINK_LIFETIME),
        )
        note = Notification(
            idempotency_key=f"followup:{pid}:{survey.key}", recipient_id=pid, to=person["email"],
            subject=email.subject, text=email.text, category="survey", locale=person["locale"],
        )
        # Sealed with the person's key: the survey and unsubscribe links are not readable on the topic.
        notification = note.sealed(data_key)
        return self.factory.event("notification.requested", pid, notification,
                                  entity=notification.idempotency_key, time=now)
