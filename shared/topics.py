"""Registry of the platform's Kafka topics: names, partition counts, keys and the event types on each.

Each bounded context owns its topics module (topics_pledges, topics_followup); this one gathers them all."""

from __future__ import annotations

from shared.topic_spec import TopicSpec
from shared.topics_followup import FOLLOWUP_TOPICS
from shared.topics_pledges import PLEDGES_TOPICS
from shared.topics_privacy import PRIVACY_TOPICS

PROFILE_SUBMITTED = TopicSpec("profile.submitted", 6, "profile_id", ("profile.submitted",))
DIAGNOSIS_COMPLETED = TopicSpec("diagnosis.completed", 6, "profile_id", ("diagnosis.completed",))
ADVICE_GENERATED = TopicSpec("advice.generated", 6, "profile_id", ("advice.generated",))
PARTNER_EVENTS = TopicSpec(
    "partner.events", 3, "pseudonymised profile id", ("partner.profile.submitted",), partner_visible=True
)
DEAD_LETTER = TopicSpec("deadletter", 1, "original key", ("deadletter",))
# Emails to send; the notifier consumes them (key: recipient id, so one person's mails stay ordered).
NOTIFICATIONS = TopicSpec("notification.requested", 3, "recipient id", ("notification.requested",))

ALL_TOPICS: tuple[TopicSpec, ...] = (
    PROFILE_SUBMITTED,
    DIAGNOSIS_COMPLETED,
    ADVICE_GENERATED,
    PARTNER_EVENTS,
    DEAD_LETTER,
    NOTIFICATIONS,
    *PLEDGES_TOPICS,
    *FOLLOWUP_TOPICS,
    *PRIVACY_TOPICS,
)

BY_NAME = {spec.name: spec for spec in ALL_TOPICS}
