"""The events and emails of the pledges context, made by the platform's event factory, and their way out: the
outbox. A change (a document uploaded, a coffee chosen or matched, a helper registered, a review assigned or ended,
a fulfilment, an offer) stages its entry first and its state document names it (`outbox_entries`) in the same
write, so a crash between the two loses nothing: the relay sends an entry only once its state is stored, and
drops it if that never happens (`shared/messaging/outbox.py`). Announcements made before their state (a helper's
unsubscription, the same ids each time) are queued with `publish`, under a deterministic entry id."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from pydantic import BaseModel

from services.pledges.adapters.db import OUTBOX
from services.pledges.config import PledgesSettings
from services.pledges.domain.emails import Mail
from shared.crypto.keystore import person_keys
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory, Outgoing
from shared.messaging.outbox import Outbox
from shared.schemas.notification import Notification
from shared.topics import NOTIFICATIONS

log = logging.getLogger(__name__)


@functools.cache
def _factory(service: str, public_url: str) -> EventFactory:
    return EventFactory(service, public_url)


def event(
    settings: PledgesSettings, type_: str, subject: str, data: BaseModel, entity: str,
    cause: Envelope[Any] | None = None,
) -> Outgoing:
    return _factory(settings.service_name, settings.public_url).event(type_, subject, data, entity=entity, cause=cause)


def notification(
    settings: PledgesSettings, key: str, recipient_id: str, to: str, mail: Mail, category: str,
    cause: Envelope[Any] | None = None,
) -> list[Outgoing]:
    """The email's event, sealed with the recipient's data key; none when they have no key (erased, or never
    signed in): there is then nobody to write to, and nothing readable may go on the topic."""
    data_key = person_keys(settings).get(recipient_id)
    if data_key is None:
        log.warning("no data key: email not sent", extra={"category": category, "recipient_id": recipient_id})
        return []
    subject, text = mail
    note = Notification(
        idempotency_key=key, recipient_id=recipient_id, to=to, subject=subject, text=text, category=category
    )
    return [event(settings, NOTIFICATIONS.event_types[0], recipient_id, note.sealed(data_key), key, cause)]


def stage(events: list[Outgoing], collection: str, doc_id: str) -> str | None:
    """Stores the entry of a state change before the change; returns the id its state document must name (None:
    nothing to send)."""
    if not events:
        return None
    entry = Outbox.entry(events, dt.datetime.now(dt.UTC), requires=(collection, doc_id))
    OUTBOX.add([entry])
    return str(entry["_id"])


def publish(events: list[Outgoing]) -> None:
    """Queues the events of a state already stored; the first event's id names the entry."""
    if events:
        OUTBOX.add([Outbox.entry(events, dt.datetime.now(dt.UTC), entry_id=events[0].event.id)])
