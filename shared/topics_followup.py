"""Topics of the followup context."""

from __future__ import annotations

from shared.topic_spec import TopicSpec

FOLLOWUP_TOPICS: tuple[TopicSpec, ...] = ()
