"""Topics of the privacy (GDPR) requests and answers; see shared/schemas/privacy.py."""

from __future__ import annotations

from shared.topic_spec import TopicSpec

PRIVACY_REQUESTS = TopicSpec(
    "privacy.requests", 3, "person id", ("privacy.export.requested", "privacy.erasure.requested")
)
PRIVACY_ANSWERS = TopicSpec(
    "privacy.answers", 3, "person id", ("privacy.export.part", "privacy.erasure.completed")
)

PRIVACY_TOPICS: tuple[TopicSpec, ...] = (PRIVACY_REQUESTS, PRIVACY_ANSWERS)
