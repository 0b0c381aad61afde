"""Registry of the platform's Kafka topics: names, partition counts, keys and the event types on each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    key: str  # what the record key is; a person's events are keyed by the person id so they stay ordered
    event_types: tuple[str, ...]
    partner_visible: bool = False


PROFILE_SUBMITTED = TopicSpec("profile.submitted", 6, "profile_id", ("profile.submitted",))
DIAGNOSIS_COMPLETED = TopicSpec("diagnosis.completed", 6, "profile_id", ("diagnosis.completed",))
ADVICE_GENERATED = TopicSpec("advice.generated", 6, "profile_id", ("advice.generated",))
PARTNER_EVENTS = TopicSpec(
    "partner.events", 3, "pseudonymised profile id", ("partner.profile.submitted",), partner_visible=True
)
DEAD_LETTER = TopicSpec("deadletter", 1, "original key", ("deadletter",))

ALL_TOPICS: tuple[TopicSpec, ...] = (
    PROFILE_SUBMITTED,
    DIAGNOSIS_COMPLETED,
    ADVICE_GENERATED,
    PARTNER_EVENTS,
    DEAD_LETTER,
)

BY_NAME = {spec.name: spec for spec in ALL_TOPICS}
