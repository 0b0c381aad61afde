"""Topics of the pledges context."""

from __future__ import annotations

from shared.topic_spec import TopicSpec

PLEDGES_TOPICS: tuple[TopicSpec, ...] = ()
