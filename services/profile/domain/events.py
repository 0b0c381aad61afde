"""The event a stored profile version produces."""

from __future__ import annotations

import datetime as dt

from shared.messaging.factory import EventFactory, Outgoing
from shared.schemas.profile import ProfileIn, ProfileSubmitted
from shared.topics import PROFILE_SUBMITTED

(SUBMITTED,) = PROFILE_SUBMITTED.event_types


def events_for_version(
    factory: EventFactory, profile_id: str, version: int, profile: ProfileIn, now: dt.datetime, data_key: bytes,
) -> list[Outgoing]:
    """The (topic, event) pairs of one stored version: the internal one, sealed with `data_key` (the person's).
    Partners get their own views from the partners service. The id derives from the version, so storing the same
    version again yields the same event (sealed anew: a replay's bytes differ, its id does not)."""
    submitted = ProfileSubmitted(profile_id=profile_id, version=version, submitted_at=now, profile=profile)
    sealed = submitted.sealed(data_key)
    return [factory.event(SUBMITTED, profile_id, sealed, entity=f"{profile_id}:{version}", time=now)]
