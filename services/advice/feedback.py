"""Feedback use cases: a person judges their main challenge, rates a piece of advice, leaves a note; each change
is stored with its event in one outbox entry (entry first, then the document naming it), then relayed. Operators
read a summary, also exported as Prometheus gauges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from services.advice.adapters import feedback as store
from services.advice.adapters.results import AdviceList
from services.advice.domain.feedback import FeedbackError, Summary, check_rated, main_challenge, summarise
from shared.crypto.keystore import KeyReader
from shared.messaging.factory import EventFactory, Outgoing
from shared.messaging.outbox import Outbox, Relay
from shared.mongo import as_utc, run_sync
from shared.results import latest
from shared.schemas.diagnosis import ChallengeId
from shared.schemas.feedback import AdviceRated, ChallengeJudged, NoteLeft
from shared.topics import FEEDBACK

Doc = dict[str, Any]
CHALLENGE_JUDGED, ADVICE_RATED, NOTE_LEFT = FEEDBACK.event_types


class Erased(FeedbackError):
    def __init__(self) -> None:
        super().__init__("this account was erased")


def _advice(profile_id: str, version: int) -> dict[str, Any] | None:
    doc = latest(AdviceList, profile_id, version)
    return None if doc is None else doc.result


def public(doc: Doc) -> Doc:
    """A stored item as the person reads it back."""
    kept = {k: v for k, v in doc.items() if k not in {"_id", "outbox_entry", "profile_id"}}
    return {**kept, "at": as_utc(doc["at"]).isoformat()}


class Feedback:
    def __init__(self, outbox: Outbox, relay: Relay, factory: EventFactory, keys: KeyReader,
                 clock: Callable[[], dt.datetime]) -> None:
        self.outbox = outbox
        self.relay = relay
        self.factory = factory
        self.keys = keys
        self.clock = clock

    async def judge(self, profile_id: str, version: int, agrees: bool) -> Doc:
        return await self._run(self._judge, profile_id, version, agrees)

    async def rate(self, profile_id: str, version: int, module_id: str, stars: int) -> Doc:
        return await self._run(self._rate, profile_id, version, module_id, stars)

    async def leave_note(self, profile_id: str, note: str) -> Doc:
        return await self._run(self._note, profile_id, note)

    async def read(self, profile_id: str) -> list[Doc]:
        return [public(d) for d in await run_sync(store.of_person, profile_id)]

    async def summary(self) -> Summary:
        return summarise(await run_sync(store.every_item))

    async def _run(self, fn: Callable[..., tuple[Doc, Doc]], *args: Any) -> Doc:
        entry, doc = await run_sync(fn, *args)
        self.relay.enqueue(entry)
        return public(doc)

    def _judge(self, profile_id: str, version: int, agrees: bool) -> tuple[Doc, Doc]:
        now = self.clock()
        challenge = main_challenge(_advice(profile_id, version), version)
        data = ChallengeJudged(profile_id=profile_id, profile_version=version, main_challenge=ChallengeId(challenge),
                               agrees=agrees, judged_at=now)
        doc = {"_id": store.challenge_id(profile_id, version), "kind": "challenge", "profile_id": profile_id,
               "profile_version": version, "main_challenge": challenge, "agrees": agrees, "at": now}
        return self._store(doc, self.factory.event(CHALLENGE_JUDGED, profile_id, data, entity=self._entity(doc)))

    def _rate(self, profile_id: str, version: int, module_id: str, stars: int) -> tuple[Doc, Doc]:
        now = self.clock()
        check_rated(_advice(profile_id, version), version, module_id)
        data = AdviceRated(profile_id=profile_id, profile_version=version, module_id=module_id, stars=stars,
                           rated_at=now)
        doc = {"_id": store.advice_id(profile_id, version, module_id), "kind": "advice", "profile_id": profile_id,
               "profile_version": version, "module_id": module_id, "stars": stars, "at": now}
        return self._store(doc, self.factory.event(ADVICE_RATED, profile_id, data, entity=self._entity(doc)))

    def _note(self, profile_id: str, note: str) -> tuple[Doc, Doc]:
        now = self.clock()
        key = self.keys.get(profile_id)
        if key is None:  # erased: nothing more is kept about them
            raise Erased
        data = NoteLeft.sealing(key, profile_id, note, now)
        doc = {"_id": store.note_id(profile_id), "kind": "note", "profile_id": profile_id, "note": note, "at": now}
        return self._store(doc, self.factory.event(NOTE_LEFT, profile_id, data, entity=self._entity(doc)))

    @staticmethod
    def _entity(doc: Doc) -> str:
        # Each change is its own event: a second rating of the same advice is a new fact, not a replay.
        return f"{doc['_id']}@{doc['at'].isoformat()}"

    def _store(self, doc: Doc, event: Outgoing) -> tuple[Doc, Doc]:
        entry = Outbox.entry([event], doc["at"], requires=(store.ITEMS, doc["_id"]))
        self.outbox.add([entry])
        store.save({**doc, "outbox_entry": entry["_id"]})
        return entry, doc
