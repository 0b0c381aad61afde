"""The person's GDPR requests: an export archive gathered from every service, and erasure of the account.

A request is recorded with its event in the outbox (the record names its entry), so it is accepted even while
Kafka is away and leaves as soon as Kafka answers."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from services.profile.accounts import store as accounts
from services.profile.domain.errors import ExportNotFound, NotYourExport
from services.profile.privacy import store
from shared.messaging.factory import EventFactory
from shared.messaging.outbox import Doc, Outbox, Relay
from shared.mongo import as_utc, run_sync
from shared.schemas.privacy import SERVICES, PrivacyRequested
from shared.topics import PRIVACY_REQUESTS

Kind = Literal["export", "erasure"]
EXPORT_REQUESTED, ERASURE_REQUESTED = PRIVACY_REQUESTS.event_types
REQUESTED: dict[Kind, str] = {"export": EXPORT_REQUESTED, "erasure": ERASURE_REQUESTED}


@dataclass(frozen=True)
class Export:
    export_id: str
    requested_at: dt.datetime
    parts: dict[str, Any]  # by service, the answers gathered so far

    @property
    def waiting_for(self) -> list[str]:
        return [s for s in SERVICES if s not in self.parts]


class Privacy:
    def __init__(self, outbox: Outbox, relay: Relay, factory: EventFactory) -> None:
        self.outbox = outbox
        self.relay = relay
        self.factory = factory

    async def request_export(self, person_id: str, now: dt.datetime) -> str:
        export_id = uuid.uuid4().hex
        await self._request(export_id, person_id, "export", now)
        return export_id

    async def erase(self, person_id: str, now: dt.datetime) -> str:
        """Every service erases what it holds; `privacy.erasure.completed` events tell when each one is done.
        Asking twice (a retried DELETE) is the same request."""
        await run_sync(accounts.mark_erased, person_id, now)
        request_id = store.erasure_id(person_id)
        await self._request(request_id, person_id, "erasure", now)
        return request_id

    @staticmethod
    def read_export(export_id: str, person_id: str) -> Export:
        """Synchronous (call through run_sync)."""
        request = store.get_request(export_id)
        if request is None or request["kind"] != "export":
            raise ExportNotFound
        if request["person_id"] != person_id:
            raise NotYourExport
        return Export(export_id, as_utc(request["requested_at"]), store.gathered(export_id))

    async def _request(self, request_id: str, person_id: str, kind: Kind, now: dt.datetime) -> None:
        data = PrivacyRequested(request_id=request_id, person_id=person_id, kind=kind)
        event = self.factory.event(REQUESTED[kind], person_id, data, entity=request_id, time=now)
        # A deterministic entry: a retried erasure names the same entry, whose event then goes again (same id).
        entry = Outbox.entry([event], now, entry_id=f"privacy:{request_id}",
                             requires=(store.REQUESTS, request_id))
        await run_sync(self._store, entry, request_id, person_id, kind, now)
        self.relay.enqueue(entry)

    def _store(self, entry: Doc, request_id: str, person_id: str, kind: Kind, now: dt.datetime) -> None:
        self.outbox.add([entry])
        store.record_request(request_id, person_id, kind, now, entry["_id"])
